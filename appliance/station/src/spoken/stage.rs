//! Where the patient's voice goes, and how the trainee's audio meets it.

use rapport_audio::{AudioFrame, AudioOutput, ConversationWriter, SpeakerOutput};

/// An output for the patient's voice that also hears the trainee's audio as it comes in: the
/// conversation file lays it on its timeline; a speaker needs nothing from it.
pub trait Stage: AudioOutput {
    /// The trainee's next frame, at its position on the conversation clock.
    fn heard(&mut self, frame: &AudioFrame);
}

impl Stage for ConversationWriter {
    fn heard(&mut self, frame: &AudioFrame) {
        self.push_input(frame);
    }
}

impl Stage for SpeakerOutput {
    fn heard(&mut self, _frame: &AudioFrame) {}
}

/// How the trainee's audio and the patient's voice share the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TurnTaking {
    /// The input is a recording of the trainee's turns: while the patient speaks, the recording
    /// waits, as a trainee would, and resumes when the patient is done.
    Wait,
    /// The input is live (a microphone, or a recording of one): it never waits, and speaking
    /// over the patient stops the patient.
    Live,
}
