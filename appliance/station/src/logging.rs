//! Logging for journald: plain lines on stderr, no timestamps (journald adds them), `warn` unless
//! `RAPPORT_LOG` names another level (`error`, `warn`, `info`, `debug`, `trace`, `off`).
//!
//! Log events carry only operational facts (a scenario id, a count, an error kind). Session
//! content (speech, text, codes, scores) never goes into a log call at any level.

use tracing_subscriber::filter::LevelFilter;

/// Installs the subscriber; an unreadable `RAPPORT_LOG` falls back to `warn`.
pub fn init() {
    let level = std::env::var("RAPPORT_LOG")
        .ok()
        .and_then(|value| value.trim().parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::WARN);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .without_time()
        .with_target(true)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
}
