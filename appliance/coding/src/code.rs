//! One coded utterance: a [`Label`] with the coder's confidence in it.
//!
//! A [`Code`] holds no text, so it may be logged or kept in a scorecard; the utterance it came
//! from is never stored here.

use crate::label::Label;

/// Codes with a confidence below this are [uncertain](Code::uncertain): the station shows them as
/// guesses and the scorecard may ask for a human look.
pub const UNCERTAIN_BELOW: f32 = 0.5;

/// The code given to one utterance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Code {
    /// The behaviour the coder chose.
    pub label: Label,
    /// How sure the coder is, from 0.0 (a guess) to 1.0 (certain).
    pub confidence: f32,
}

impl Code {
    /// A code with `confidence` clamped into `0.0..=1.0` (NaN becomes 0.0).
    pub fn new(label: Label, confidence: f32) -> Code {
        let confidence = if confidence.is_nan() { 0.0 } else { confidence.clamp(0.0, 1.0) };
        Code { label, confidence }
    }

    /// Whether the confidence is below [`UNCERTAIN_BELOW`].
    pub fn uncertain(&self) -> bool {
        // A NaN confidence (possible through the public field) counts as uncertain.
        self.confidence.is_nan() || self.confidence < UNCERTAIN_BELOW
    }
}
