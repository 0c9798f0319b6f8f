//! The kiosk side of the metrics: a session counts toward the lab's statistics only when the
//! trainee said yes for this session (`--consent-metrics`; off by default). The screen says at
//! the start whether it will count; at the summary, its aggregate is recorded in one
//! transaction. A database that cannot be opened or written is reported on stderr and the
//! session goes on, uncounted.

use std::path::PathBuf;

use clap::Args;
use rapport_metrics::{Day, SessionAggregate, Store};
use rapport_scenario::Scenario;
use rapport_session::SessionEvent;
use tracing::info;

/// The consent options of `rapport session` and `rapport demo`.
#[derive(Debug, Args)]
pub struct ConsentArgs {
    /// Count this session toward the lab's anonymous statistics (off unless given).
    #[arg(long)]
    pub consent_metrics: bool,
    /// The data folder of the statistics (default: $RAPPORT_DATA_DIR, else /var/lib/rapport).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// The shown line when the session counts.
pub const WILL_COUNT: &str = "This session will count toward the lab's anonymous statistics.";
/// The shown line when it does not.
pub const WILL_NOT_COUNT: &str =
    "This session will not count toward the lab's anonymous statistics.";

/// This session's consent, and the store its aggregate goes to.
pub struct Consent {
    asked: bool,
    store: Option<Store>,
}

impl Consent {
    /// Opens the store when the trainee consented; says on stderr why it cannot be used.
    pub fn open(args: &ConsentArgs) -> Self {
        if !args.consent_metrics {
            return Self { asked: false, store: None };
        }
        let dir = super::data_dir(args.data_dir.as_deref());
        match Store::open(&dir) {
            Ok(store) => Self { asked: true, store: Some(store) },
            Err(error) => {
                eprintln!(
                    "rapport: the lab's statistics are unavailable, so this session will not \
                     count: {error}"
                );
                Self { asked: true, store: None }
            }
        }
    }

    /// Whether the session will count.
    pub fn counts(&self) -> bool {
        self.store.is_some()
    }

    /// The line the screen shows at the start.
    pub fn marker(&self) -> &'static str {
        if self.counts() { WILL_COUNT } else { WILL_NOT_COUNT }
    }

    /// For scripted runs that asked for consent: one JSON line with no content, saying whether
    /// the session counts. Nothing when consent was not given, so those transcripts are
    /// unchanged.
    pub fn json_event(&self) -> Option<String> {
        self.asked
            .then(|| format!("{{\"event\":\"metrics_consent\",\"counts\":{}}}\n", self.counts()))
    }

    /// Records the session's aggregate when `events` hold its summary; once per session.
    pub fn record(&mut self, scenario: &Scenario, events: &[SessionEvent]) {
        let Some(summary) = events.iter().find_map(|event| match event {
            SessionEvent::Summary(summary) => Some(summary),
            _ => None,
        }) else {
            return;
        };
        let Some(mut store) = self.store.take() else {
            return;
        };
        let recorded =
            SessionAggregate::from_summary(&scenario.id, scenario.difficulty.level(), summary)
                .and_then(|aggregate| store.record(&aggregate, Day::today()))
                .and_then(|()| store.clear_log());
        match recorded {
            Ok(()) => info!("session aggregate recorded"),
            Err(error) => eprintln!("rapport: this session could not be counted: {error}"),
        }
    }
}
