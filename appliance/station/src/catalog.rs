//! Where scenarios come from: the catalog built into the binary, or a folder of files.

use std::fs;
use std::path::Path;

use anyhow::Context as _;
use rapport_scenario::{Catalog, CatalogLoad, ScenarioError, Source};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_scenarios.rs"));
}

/// The scenario the demo runs.
pub const DEFAULT_SCENARIO: &str = "alcohol-weekend";

/// The shipped catalog, built into the binary.
pub fn builtin() -> CatalogLoad {
    Catalog::from_sources(embedded::EMBEDDED.iter().map(|&(file, text)| Source { file, text }))
}

/// Every `*.toml` file of `dir`, in name order. A file that cannot be read is reported like a
/// scenario error; the others still load.
pub fn from_dir(dir: &Path) -> anyhow::Result<CatalogLoad> {
    let entries = fs::read_dir(dir)
        .with_context(|| format!("while reading the scenario folder {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry
            .with_context(|| format!("while listing the scenario folder {}", dir.display()))?;
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut unreadable = Vec::new();
    let mut texts = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        match fs::read_to_string(&path) {
            Ok(text) => texts.push((file, text)),
            Err(error) => unreadable.push(ScenarioError {
                file,
                line: 1,
                column: 1,
                message: format!("cannot read the file: {error}"),
            }),
        }
    }
    let mut load = Catalog::from_sources(
        texts.iter().map(|(file, text)| Source { file: file.as_str(), text: text.as_str() }),
    );
    load.errors.extend(unreadable);
    Ok(load)
}

/// The catalog from `dir`, or the built-in one.
pub fn load(dir: Option<&Path>) -> anyhow::Result<CatalogLoad> {
    match dir {
        Some(dir) => from_dir(dir),
        None => Ok(builtin()),
    }
}
