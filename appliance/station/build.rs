//! Embeds the shipped scenario catalog (`scenarios/*.toml`) into the binary, so that the demo and
//! `rapport session` work from any directory, and a kiosk image needs no scenario files.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../scenarios");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("reading a scenario directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// The shipped catalog: (file name, content).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let name =
            path.file_name().and_then(|n| n.to_str()).expect("scenario file names are UTF-8");
        let absolute = fs::canonicalize(path).expect("canonical scenario path");
        writeln!(code, "    ({name:?}, include_str!({:?})),", absolute.display().to_string())
            .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("embedded_scenarios.rs"), code).expect("writing embedded_scenarios.rs");
}
