//! How the station sets the kiosk up: its catalog, the lab PIN, the theme.

use rapport_scenario::{Catalog, Scenario};
use rapport_session::SessionEvent;
use zeroize::Zeroizing;

use crate::remote::RemoteLink;
use crate::voice::VoiceLink;

/// What the kiosk needs from the station.
#[derive(Debug, Default)]
pub struct KioskConfig {
    /// The scenarios a trainee can choose from.
    pub catalog: Catalog,
    /// Problems found while loading the catalog (`file:line:column: message`), shown in
    /// maintenance.
    pub catalog_problems: Vec<String>,
    /// The lab PIN that opens maintenance; `None` keeps maintenance closed.
    pub lab_pin: Option<LabPin>,
    /// Seed of the first session's patient; random when left out.
    pub seed: Option<u64>,
    /// The station's version, shown in maintenance.
    pub version: String,
    /// Start in the dark theme.
    pub dark: bool,
    /// Where the summary of a session whose trainee opted in to anonymous metrics goes; `None`
    /// when the station keeps no statistics.
    pub metrics: Option<MetricsRecorder>,
    /// The station's remote side, when it hosts peers (`None`: no invitations on the kiosk).
    pub remote: Option<RemoteLink>,
    /// The station's voice (`None`: the trainee types).
    pub voice: Option<VoiceLink>,
}

/// What a [`MetricsRecorder`] calls: the scenario and the session's summary event.
type RecordFn = dyn FnMut(&Scenario, &SessionEvent);

/// Records the aggregate of a consented session, given its scenario and its summary event.
pub struct MetricsRecorder(Box<RecordFn>);

impl MetricsRecorder {
    /// A recorder that calls `record`.
    pub fn new(record: impl FnMut(&Scenario, &SessionEvent) + 'static) -> Self {
        Self(Box::new(record))
    }

    /// Records one session.
    pub fn record(&mut self, scenario: &Scenario, summary: &SessionEvent) {
        (self.0)(scenario, summary);
    }
}

impl std::fmt::Debug for MetricsRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MetricsRecorder(..)")
    }
}

/// The lab's PIN: digits only, wiped from memory when dropped.
#[derive(Clone)]
pub struct LabPin(Zeroizing<String>);

impl LabPin {
    /// A PIN of 4 to 12 digits, or `None` for anything else.
    pub fn new(digits: &str) -> Option<LabPin> {
        let valid = (4..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| LabPin(Zeroizing::new(digits.to_owned())))
    }

    /// Whether `typed` is this PIN, compared without an early exit.
    pub fn matches(&self, typed: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), typed.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for LabPin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LabPin(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_four_to_twelve_digits() {
        assert!(LabPin::new("1234").is_some());
        assert!(LabPin::new("123").is_none());
        assert!(LabPin::new("12a4").is_none());
        assert!(LabPin::new("1234567890123").is_none());
    }

    #[test]
    fn a_pin_matches_only_itself() {
        let pin = LabPin::new("2468").expect("a valid PIN");
        assert!(pin.matches("2468"));
        assert!(!pin.matches("2469"));
        assert!(!pin.matches("24680"));
        assert!(!format!("{pin:?}").contains("2468"));
    }
}
