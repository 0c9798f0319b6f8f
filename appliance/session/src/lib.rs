//! The session engine and everything it decides: the simulated patient, how the trainee's
//! behaviours move the patient, live feedback, scoring and difficulty progression.
//!
//! This is the domain core: no I/O, no clock, no global state. The station feeds it
//! [`Event`]s and passes the [`SessionEvent`]s it returns to the UI and the remote peers.

mod dynamics;
mod engine;
mod event;
mod feedback;
mod patient;
mod progression;
mod rng;
mod scorecard;
mod summary;

pub use dynamics::{MAX_PROGRESS_PER_TURN, default_delta};
pub use engine::{MAX_SESSION_MS, MAX_UTTERANCE_BYTES, Phase, Session, SessionError};
pub use event::{EndReason, Event, PeerId, Role, SessionEvent, SpeechTiming};
pub use feedback::NudgeKind;
pub use patient::affect_for;
pub use progression::Progression;
pub use scorecard::{
    Counts, FAIR_PERCENT_COMPLEX, FAIR_REFLECTION_TO_QUESTION, GOOD_PERCENT_COMPLEX,
    GOOD_REFLECTION_TO_QUESTION, Gauges, MIN_RATED_UTTERANCES, Rating,
};
pub use summary::{Moment, Summary, THRESHOLDS, Thresholds};
