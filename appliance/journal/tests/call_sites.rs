//! Every tracing call in the workspace logs a literal message and allowed fields only.
//!
//! This is what keeps content out of logs at the source: a message built with format arguments
//! (`info!("heard {}", text)`) or a field outside the allow-list fails this test.

use std::path::{Path, PathBuf};

use rapport_journal::ALLOWED_FIELDS;

const MACROS: [&str; 6] = ["trace!(", "debug!(", "info!(", "warn!(", "error!(", "event!("];

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !matches!(name, "target" | "node_modules" | ".git") {
                rust_files(&path, files);
            }
        } else if name.ends_with(".rs") {
            files.push(path);
        }
    }
}

/// Each byte of `text` outside string literals, with its index and the bracket depth before it.
fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8, i32)> + '_ {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut in_string) = (0, 0i32, false);
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let (at, c) = (i, bytes[i]);
            i += 1;
            if in_string {
                match c {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            let before = depth;
            match c {
                b'"' => {
                    in_string = true;
                    continue;
                }
                b'(' | b'{' | b'[' => depth += 1,
                b')' | b'}' | b']' => depth -= 1,
                _ => {}
            }
            return Some((at, c, before));
        }
        None
    })
}

/// The text between the parentheses that open just before `start`, or `None` if they never
/// close.
fn arguments(source: &str, start: usize) -> Option<&str> {
    let rest = &source[start..];
    code_bytes(rest)
        .find(|&(_, c, depth)| depth == 0 && matches!(c, b')' | b'}' | b']'))
        .map(|(end, _, _)| &rest[..end])
}

/// Splits at commas outside brackets and strings.
fn top_level(arguments: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c, depth) in code_bytes(arguments) {
        if c == b',' && depth == 0 {
            parts.push(arguments[start..at].trim());
            start = at + 1;
        }
    }
    parts.push(arguments[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Problems with one call's arguments.
fn check_call(arguments: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen_message = false;
    for part in top_level(arguments) {
        if part.starts_with("target:")
            || part.starts_with("parent:")
            || part.starts_with("Level::")
            || part.starts_with("tracing::Level::")
        {
            continue;
        }
        if seen_message {
            problems.push(format!("format argument after the message: {part}"));
            continue;
        }
        if part.starts_with('"') {
            seen_message = true;
            if part.replace("{{", "").contains('{') {
                problems.push(format!("placeholder in the message: {part}"));
            }
            continue;
        }
        let name =
            part.split('=').next().unwrap_or(part).trim().trim_start_matches(['%', '?']).trim();
        if !ALLOWED_FIELDS.contains(&name) {
            problems.push(format!("field {name:?} is not in rapport_journal::ALLOWED_FIELDS"));
        }
    }
    problems
}

#[test]
fn the_checker_catches_content_in_logs() {
    assert!(check_call("scenario = %id, \"session starting\"").is_empty());
    assert!(!check_call("\"heard {}\", text").is_empty());
    assert!(!check_call("\"heard {text}\"").is_empty());
    assert!(!check_call("utterance = %text, \"heard\"").is_empty());
    assert!(check_call("target: \"x\", count = 3, \"done\"").is_empty());
}

#[test]
fn every_tracing_call_in_the_workspace_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root");
    let mut files = Vec::new();
    for dir in ["appliance", "ui"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "the scan found the sources");
    let mut problems = Vec::new();
    let mut calls = 0;
    for file in &files {
        // This crate's own tests make bad calls on purpose.
        if file.strip_prefix(&root).is_ok_and(|f| f.starts_with("appliance/journal")) {
            continue;
        }
        let source = std::fs::read_to_string(file).expect("a readable source file");
        for name in MACROS {
            for (at, _) in source.match_indices(name) {
                let before = source[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue; // `eprintln!(` and the like, or another macro's name
                }
                let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
                if source[line_start..at].trim_start().starts_with("//") {
                    continue; // a comment
                }
                let Some(args) = arguments(&source, at + name.len()) else { continue };
                calls += 1;
                for problem in check_call(args) {
                    let line = source[..at].matches('\n').count() + 1;
                    problems.push(format!("{}:{line}: {problem}", file.display()));
                }
            }
        }
    }
    assert!(calls > 0, "the scan found tracing calls");
    assert!(problems.is_empty(), "log calls that could carry content:\n{}", problems.join("\n"));
}
