//! Logging: the journal layer of `rapport-journal`, at the level `RAPPORT_LOG` names.
//!
//! Log events carry only operational facts; session content never goes into a log at any level.

/// Installs the subscriber.
pub fn init() {
    rapport_journal::init();
}
