//! Logging for journald that cannot carry session content.
//!
//! Every log line is `LEVEL target: message field=value ...` on stderr, without a timestamp
//! (journald adds one). What may appear is fixed here, not left to each call site:
//! - the message must be a string literal (a test scans the workspace's sources for tracing calls
//!   with format arguments or placeholders and fails on any);
//! - fields are printed only when their name is in [`ALLOWED_FIELDS`], operational facts such as
//!   a scenario id, a count or an error kind; any other field is dropped, and the line says how
//!   many were.
//!
//! So a careless `info!(text = %utterance, "heard")` logs `heard dropped_fields=1`, and a careless
//! `info!("heard {}", utterance)` never gets past the tests.

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// Field names a log event may carry. Each names an operational fact, never session content.
pub const ALLOWED_FIELDS: &[&str] = &[
    "count",
    "difficulty",
    "elapsed_ms",
    "error",
    "fingerprint",
    "kind",
    "limit",
    "listen",
    "path",
    "peer",
    "phase",
    "pid",
    "reason",
    "role",
    "scenario",
    "seed",
    "skill",
    "status",
    "turn",
    "version",
];

/// The environment variable that sets the level (`error`, `warn`, `info`, `debug`, `trace`,
/// `off`); `warn` when unset or unreadable.
pub const LEVEL_VARIABLE: &str = "RAPPORT_LOG";

/// Installs the journal layer as the process's subscriber, at the level `RAPPORT_LOG` names.
pub fn init() {
    let level = std::env::var(LEVEL_VARIABLE)
        .ok()
        .and_then(|value| value.trim().parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::WARN);
    // A second call (a test harness, say) leaves the first subscriber in place.
    let _ = tracing_subscriber::registry().with(JournalLayer { level }).try_init();
}

/// The layer that formats allowed fields only.
#[derive(Clone, Copy, Debug)]
pub struct JournalLayer {
    /// The most verbose level written.
    pub level: LevelFilter,
}

impl<S: Subscriber> Layer<S> for JournalLayer {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        self.level >= *metadata.level()
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if self.level < *event.metadata().level() {
            return;
        }
        let line = format_event(event);
        // One write per line, so lines of different threads never interleave. A log line that
        // cannot be written has nowhere else to go.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// The line written for `event`.
pub fn format_event(event: &Event<'_>) -> String {
    let mut fields = AllowedFields::default();
    event.record(&mut fields);
    let metadata = event.metadata();
    let mut line = String::with_capacity(128);
    let _ =
        write!(line, "{} {}: {}", level_name(*metadata.level()), metadata.target(), fields.message);
    line.push_str(&fields.allowed);
    if fields.dropped > 0 {
        let _ = write!(line, " dropped_fields={}", fields.dropped);
    }
    line.push('\n');
    line
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARN",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

#[derive(Default)]
struct AllowedFields {
    message: String,
    allowed: String,
    dropped: usize,
}

impl Visit for AllowedFields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else if ALLOWED_FIELDS.contains(&field.name()) {
            let _ = write!(self.allowed, " {}={value:?}", field.name());
        } else {
            self.dropped += 1;
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else if ALLOWED_FIELDS.contains(&field.name()) {
            let _ = write!(self.allowed, " {}={value}", field.name());
        } else {
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Captures formatted lines instead of writing them.
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl<S: Subscriber> Layer<S> for Capture {
        fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
            self.0.lock().expect("not poisoned").push(format_event(event));
        }
    }

    #[test]
    fn only_allowed_fields_reach_the_line() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let subscriber = tracing_subscriber::registry().with(Capture(lines.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let utterance = "I drink every night";
            tracing::warn!(scenario = "alcohol-weekend", text = %utterance, turn = 3, "session note");
        });
        let lines = lines.lock().expect("not poisoned");
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert!(line.starts_with("WARN "), "{line}");
        assert!(line.contains("session note"));
        assert!(line.contains("scenario=alcohol-weekend"));
        assert!(line.contains("turn=3"));
        assert!(!line.contains("drink"), "{line}");
        assert!(line.contains("dropped_fields=1"));
    }
}
