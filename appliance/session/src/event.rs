//! What goes into the session engine ([`Event`]) and what comes out of it ([`SessionEvent`]).
//!
//! Both are closed enums: every input the engine can receive and every output the UI and remote
//! peers can be sent is listed here. Outputs serialise to the JSON lines of
//! `rapport session --script`.

use rapport_coding::{Label, MainBehaviour};
use rapport_privacy::SecretText;
use rapport_scenario::{Affect, Intent, Mood};
use serde::{Deserialize, Serialize, Serializer};

use crate::feedback::NudgeKind;
use crate::scorecard::Gauges;
use crate::summary::Summary;

/// A remote participant of the session, numbered by the signalling server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PeerId(pub u32);

/// What a remote participant may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A standardized-patient actor, who may take over the patient's voice.
    Actor,
    /// A supervisor, who listens and sends private nudges.
    Supervisor,
    /// An observer, who listens.
    Observer,
}

/// When a stretch of speech happened, in milliseconds since the session started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpeechTiming {
    /// The first audible moment.
    pub started_ms: u64,
    /// The last audible moment.
    pub ended_ms: u64,
    /// Whether the other side was still speaking when this one started (for the trainee: they
    /// cut into the patient's line; for the patient: the trainee cut into theirs).
    pub interrupted: bool,
}

impl SpeechTiming {
    /// How long the speech lasted.
    pub fn duration_ms(&self) -> u64 {
        self.ended_ms.saturating_sub(self.started_ms)
    }
}

/// Everything that can happen to a session.
#[derive(Debug)]
pub enum Event {
    /// The trainee finished an utterance (typed, or transcribed).
    TraineeSaid(SecretText),
    /// The trainee finished a spoken utterance: its transcript and when it was spoken.
    TraineeSpoke {
        /// The final transcript.
        text: SecretText,
        /// When the speech started and ended, and whether it cut the patient off.
        timing: SpeechTiming,
    },
    /// The patient's voice stopped: it finished its line, or the trainee cut it off.
    PatientSpoke {
        /// When the voice started and stopped, and whether the trainee interrupted it.
        timing: SpeechTiming,
    },
    /// The actor, holding the patient's voice, said a line.
    ActorSaid(SecretText),
    /// A remote peer joined.
    PeerJoined {
        /// Who.
        peer: PeerId,
        /// With which role.
        role: Role,
    },
    /// A remote peer left or was removed.
    PeerLeft {
        /// Who.
        peer: PeerId,
    },
    /// An actor takes over the patient's voice.
    TakeOver {
        /// The actor.
        peer: PeerId,
    },
    /// The actor hands the patient back to the simulation.
    HandBack {
        /// The actor.
        peer: PeerId,
    },
    /// A supervisor's private nudge for the trainee.
    SupervisorNudge {
        /// The supervisor.
        peer: PeerId,
        /// What they wrote.
        text: SecretText,
    },
    /// Time passed: milliseconds since the session started.
    Tick {
        /// Milliseconds since the start.
        elapsed_ms: u64,
    },
    /// The trainee (or an idle timeout) ends the conversation.
    EndRequested,
    /// Erase everything the session holds.
    Wipe,
}

/// Why a conversation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The patient reached the scenario's goal.
    GoalReached,
    /// The patient's resistance reached the walkout point.
    PatientLeft,
    /// The turn budget or the session's time ran out.
    TimeUp,
    /// The trainee ended it.
    EndedByTrainee,
}

/// What the engine tells the UI and the remote peers.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SessionEvent {
    /// The patient said a line.
    Patient {
        /// The trainee turn it answers (0 for the opening).
        turn: u16,
        /// The line.
        #[serde(serialize_with = "expose")]
        text: SecretText,
        /// What the patient is doing with it; `None` when an actor spoke.
        intent: Option<Intent>,
        /// The patient's mood.
        mood: Mood,
        /// The expression to show.
        affect: Affect,
        /// The fact disclosed, if any.
        disclosed: Option<String>,
    },
    /// The trainee's utterance, as captioned.
    Trainee {
        /// The trainee turn, from 1.
        turn: u16,
        /// The words.
        #[serde(serialize_with = "expose")]
        text: SecretText,
    },
    /// How the trainee's utterance was coded.
    Code {
        /// The trainee turn.
        turn: u16,
        /// The main behaviour.
        main: MainBehaviour,
        /// The fine label.
        fine: Label,
        /// Confidence, 0–1.
        confidence: f32,
        /// Whether the confidence is too low to show the code as certain.
        uncertain: bool,
    },
    /// The patient's inner state after the trainee's utterance.
    State {
        /// Rapport, 0–100.
        rapport: u8,
        /// Resistance, 0–100.
        resistance: u8,
        /// Progress toward the goal, 0–100.
        progress: u8,
        /// The goal's progress.
        goal: u8,
        /// The mood.
        mood: Mood,
        /// The expression.
        affect: Affect,
    },
    /// The running gauges.
    Gauges(Gauges),
    /// A nudge for the trainee.
    Nudge {
        /// Why.
        kind: NudgeKind,
        /// What to show.
        #[serde(serialize_with = "expose")]
        text: SecretText,
    },
    /// A remote peer joined.
    PeerJoined {
        /// Who.
        peer: PeerId,
        /// With which role.
        role: Role,
    },
    /// A remote peer left.
    PeerLeft {
        /// Who.
        peer: PeerId,
    },
    /// Who speaks for the patient changed.
    PatientVoice {
        /// The actor now speaking, or `None` for the simulation.
        actor: Option<PeerId>,
    },
    /// The conversation is over.
    Ended {
        /// Why.
        reason: EndReason,
    },
    /// The end-of-session summary.
    Summary(Box<Summary>),
    /// Everything the session held has been erased.
    Wiped,
}

/// Serialises session text for the session's own outputs (the screen, the session's peers, the
/// terminal that runs it): the one place where [`SecretText`] is written out.
pub(crate) fn expose<S: Serializer>(text: &SecretText, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text.expose())
}
