//! Behaviour coding of trainee utterances.
//!
//! A trainee's line is given one [`Label`]: a MITI 4.2 behaviour, with questions split into open
//! and closed. The [`Coder`] trait is what the session engine calls; [`RuleCoder`] is the
//! built-in coder, a set of hand-written English rules that needs no model and no I/O.
//!
//! Invariants, for every coder in this crate:
//! - coding never panics, whatever the input (empty, emoji, ten kilobytes, no punctuation);
//! - the confidence is always within `0.0..=1.0`;
//! - the utterance is never stored, logged or returned: a [`Code`] carries no text.
//!
//! Text is expected the way a speech recogniser writes it: punctuation and capitals may be
//! missing, contractions may be spelled out or run together.

mod code;
mod label;
mod rules;

pub use code::{Code, UNCERTAIN_BELOW};
pub use label::{Label, MainBehaviour};
pub use rules::RuleCoder;

/// What a coder may know besides the utterance itself.
///
/// Its `Debug` prints the length of the patient's line, never the line.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// What the patient said just before, if anything: a reflection that only repeats it is
    /// simple, one that adds meaning to it is complex.
    pub previous_patient: Option<&'a str>,
    /// Whether the patient has agreed to hear advice or information, which turns advice into
    /// [`Label::PersuadeWithPermission`].
    pub permission_granted: bool,
}

/// Something that gives a trainee utterance a behaviour code.
pub trait Coder: Send + Sync {
    /// Codes one utterance. Never panics; the confidence is within `0.0..=1.0`.
    fn code(&self, utterance: &str, context: &Context<'_>) -> Code;
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("previous_patient_len", &self.previous_patient.map(str::len))
            .field("permission_granted", &self.permission_granted)
            .finish()
    }
}
