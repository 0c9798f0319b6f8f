//! `rapport screens`: every kiosk screen to PNG. The command itself refuses a blank or textless
//! frame (see `rapport_ui::headless::FrameStats`); both themes and sizes, and the detailed pixel
//! checks, are in `ui/tests/render.rs`.

use std::process::Command;

#[test]
fn every_screen_is_rendered() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["screens", "--theme", "dark", "--size", "1280x800", "--out"])
        .arg(out.path())
        .output()
        .expect("rapport runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listed = String::from_utf8(output.stdout).expect("UTF-8 paths");
    let files: Vec<&str> = listed.lines().collect();
    for screen in [
        "attract",
        "catalog",
        "consent",
        "conversation",
        "invite",
        "summary",
        "wiped",
        "maintenance",
    ] {
        let suffix = format!("-{screen}-dark-1280x800.png");
        assert!(files.iter().any(|f| f.ends_with(&suffix)), "no file ending in {suffix}");
    }
    for file in files {
        let bytes = std::fs::read(file).expect("a listed file exists");
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{file} is not a PNG");
    }
}

#[test]
fn a_bad_size_is_refused_with_the_expected_form() {
    let output = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["screens", "--out", "/nonexistent-never-written", "--size", "1280by800"])
        .output()
        .expect("rapport runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("expected WIDTHxHEIGHT such as 1280x800"), "{stderr}");
}
