//! What the UI tests share: the shipped catalog, read from `scenarios/`.

use std::fs;
use std::path::Path;

use rapport_scenario::{Catalog, Source};
use rapport_ui::{KioskConfig, LabPin};

/// The lab PIN of the tests.
pub const PIN: &str = "2468";

/// The shipped catalog.
pub fn catalog() -> Catalog {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<(String, String)> = fs::read_dir(&dir)
        .expect("the scenarios folder is readable")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a scenario file is readable");
            (path.display().to_string(), text)
        })
        .collect();
    files.sort();
    let load = Catalog::from_sources(
        files.iter().map(|(file, text)| Source { file: file.as_str(), text: text.as_str() }),
    );
    assert!(load.errors.is_empty(), "the shipped catalog has errors: {:?}", load.errors);
    load.catalog
}

/// A kiosk setup on the shipped catalog, with a fixed seed and PIN.
pub fn config() -> KioskConfig {
    KioskConfig {
        catalog: catalog(),
        catalog_problems: Vec::new(),
        lab_pin: LabPin::new(PIN),
        seed: Some(11),
        version: "test".to_owned(),
        dark: false,
        metrics: None,
        remote: None,
        voice: None,
    }
}
