//! The session engine: a state machine fed by [`Event`]s that emits [`SessionEvent`]s.
//!
//! It owns everything a session holds (what was said, the patient, the tally) and nothing else:
//! no I/O, no clock, no randomness beyond its seed. The station feeds it what the trainee said and
//! the time; the UI and the remote peers only see what it emits. Bad input (an empty utterance, a
//! message after the end, an unknown peer) is an error value; the session carries on.

use std::sync::Arc;

use rapport_coding::{Code, Coder, Context, Label};
use rapport_privacy::SecretText;
use rapport_scenario::{Intent, Scenario};
use zeroize::Zeroizing;

use crate::event::{EndReason, Event, PeerId, Role, SessionEvent, SpeechTiming};
use crate::feedback::{Feedback, NudgeKind};
use crate::patient::{Patient, PatientReply};
use crate::scorecard::Scorecard;
use crate::summary::{self, Moment, Summary, THRESHOLDS};

/// Hard cap on a session's length, whatever the turn budget says.
pub const MAX_SESSION_MS: u64 = 20 * 60 * 1000;
/// The longest utterance the engine accepts, in bytes (about two minutes of speech).
pub const MAX_UTTERANCE_BYTES: usize = 4096;

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The conversation is going on.
    Conversation,
    /// The conversation ended; the summary was emitted.
    Ended,
    /// Everything was erased.
    Wiped,
}

/// Input the engine refused; the session is unchanged.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// The conversation is over.
    #[error("the conversation has ended")]
    Ended,
    /// The session was wiped.
    #[error("the session has been wiped")]
    Wiped,
    /// An utterance with no words.
    #[error("the utterance is empty")]
    EmptyUtterance,
    /// An utterance longer than [`MAX_UTTERANCE_BYTES`].
    #[error("the utterance is longer than {MAX_UTTERANCE_BYTES} bytes")]
    UtteranceTooLong,
    /// A peer the session does not know.
    #[error("peer {0:?} is not in this session")]
    UnknownPeer(PeerId),
    /// A peer that joined twice.
    #[error("peer {0:?} is already in this session")]
    DuplicatePeer(PeerId),
    /// A peer whose role does not allow what it asked.
    #[error("peer {0:?} has no role that allows this")]
    NotAllowed(PeerId),
    /// The actor speaks while the simulation holds the patient's voice.
    #[error("no actor holds the patient's voice")]
    NoActor,
}

/// The last thing the patient said, which the coder and the feedback read.
#[derive(Debug, Default)]
struct LastPatientLine {
    text: SecretText,
    intent: Option<Intent>,
    disclosed: bool,
}

/// One practice session.
pub struct Session {
    scenario: Arc<Scenario>,
    coder: Arc<dyn Coder>,
    patient: Patient,
    scorecard: Scorecard,
    feedback: Feedback,
    phase: Phase,
    turn: u16,
    last_patient: LastPatientLine,
    last_label: Option<Label>,
    repeats: usize,
    permission_asked: bool,
    permission_granted: bool,
    moments: Vec<Moment>,
    /// The latest time fed by a tick, and when the trainee last spoke.
    now_ms: u64,
    last_trainee_ms: u64,
    peers: Vec<(PeerId, Role)>,
    actor_voice: Option<PeerId>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Content stays out of debug output; the phase and turn are enough to debug with.
        f.debug_struct("Session")
            .field("scenario", &self.scenario.id)
            .field("phase", &self.phase)
            .field("turn", &self.turn)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Starts a session: the patient opens.
    pub fn start(
        scenario: Arc<Scenario>,
        coder: Arc<dyn Coder>,
        seed: u64,
    ) -> (Session, Vec<SessionEvent>) {
        let mut patient = Patient::new(&scenario, seed);
        let opening = patient.opening(&scenario);
        let moments = Vec::with_capacity(usize::from(scenario.state.max_turns) + 1);
        let mut session = Session {
            scenario,
            coder,
            patient,
            scorecard: Scorecard::default(),
            feedback: Feedback::default(),
            phase: Phase::Conversation,
            turn: 0,
            last_patient: LastPatientLine::default(),
            last_label: None,
            repeats: 0,
            permission_asked: false,
            permission_granted: false,
            moments,
            now_ms: 0,
            last_trainee_ms: 0,
            peers: Vec::new(),
            actor_voice: None,
        };
        let mut out = Vec::new();
        session.patient_says(opening, &mut out);
        (session, out)
    }

    /// Where the session is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The scenario being practised.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The patient's state now.
    pub fn patient_state(&self) -> rapport_scenario::PatientState {
        self.patient.state()
    }

    /// The code `text` would get as the trainee's next utterance, in the current context, without
    /// taking it: nothing in the session changes. A spoken session shows it while it waits to be
    /// sure the trainee has finished; the `Code` event of [`Event::TraineeSpoke`] follows.
    pub fn preview_code(&self, text: &SecretText) -> Code {
        let context = Context {
            previous_patient: Some(self.last_patient.text.expose()).filter(|line| !line.is_empty()),
            permission_granted: self.permission_granted,
        };
        self.coder.code(text.expose(), &context)
    }

    /// Feeds one event; returns what the UI and peers should see.
    pub fn handle(&mut self, event: Event) -> Result<Vec<SessionEvent>, SessionError> {
        let mut out = Vec::new();
        match event {
            Event::Wipe => {
                self.wipe();
                out.push(SessionEvent::Wiped);
                return Ok(out);
            }
            _ if self.phase == Phase::Wiped => return Err(SessionError::Wiped),
            Event::PeerLeft { peer } => {
                let before = self.peers.len();
                self.peers.retain(|(p, _)| *p != peer);
                if self.peers.len() == before {
                    return Err(SessionError::UnknownPeer(peer));
                }
                out.push(SessionEvent::PeerLeft { peer });
                if self.actor_voice == Some(peer) {
                    self.actor_voice = None;
                    out.push(SessionEvent::PatientVoice { actor: None });
                }
                return Ok(out);
            }
            _ if self.phase == Phase::Ended => return Err(SessionError::Ended),
            Event::TraineeSaid(text) => self.trainee_said(text, None, &mut out)?,
            Event::TraineeSpoke { text, timing } => {
                self.trainee_said(text, Some(timing), &mut out)?
            }
            Event::PatientSpoke { timing } => {
                self.scorecard.patient_speech_ms += timing.duration_ms();
                if timing.interrupted {
                    self.scorecard.patient_interrupted += 1;
                }
                self.now_ms = self.now_ms.max(timing.ended_ms);
            }
            Event::ActorSaid(text) => {
                if self.actor_voice.is_none() {
                    return Err(SessionError::NoActor);
                }
                if text.expose().trim().is_empty() {
                    return Err(SessionError::EmptyUtterance);
                }
                let mood = self.patient.state().mood();
                out.push(SessionEvent::Patient {
                    turn: self.turn,
                    text: text.clone(),
                    intent: None,
                    mood,
                    affect: self.patient.affect(self.scenario.skill),
                    disclosed: None,
                });
                self.scorecard.patient_words += count_words(&text);
                self.last_patient = LastPatientLine { text, intent: None, disclosed: false };
            }
            Event::PeerJoined { peer, role } => {
                if self.peers.iter().any(|(p, _)| *p == peer) {
                    return Err(SessionError::DuplicatePeer(peer));
                }
                self.peers.push((peer, role));
                out.push(SessionEvent::PeerJoined { peer, role });
            }
            Event::TakeOver { peer } => {
                self.require_role(peer, Role::Actor)?;
                self.actor_voice = Some(peer);
                out.push(SessionEvent::PatientVoice { actor: Some(peer) });
            }
            Event::HandBack { peer } => {
                self.require_role(peer, Role::Actor)?;
                if self.actor_voice == Some(peer) {
                    self.actor_voice = None;
                    out.push(SessionEvent::PatientVoice { actor: None });
                }
            }
            Event::SupervisorNudge { peer, text } => {
                self.require_role(peer, Role::Supervisor)?;
                if text.expose().trim().is_empty() {
                    return Err(SessionError::EmptyUtterance);
                }
                out.push(SessionEvent::Nudge { kind: NudgeKind::Supervisor, text });
            }
            Event::Tick { elapsed_ms } => {
                if elapsed_ms >= MAX_SESSION_MS {
                    self.close(Intent::CloseTime, EndReason::TimeUp, &mut out);
                } else if let Some(kind) = self
                    .feedback
                    .after_silence(elapsed_ms.saturating_sub(self.last_trainee_ms) / 1000)
                {
                    out.push(self.nudge(kind));
                }
                self.now_ms = self.now_ms.max(elapsed_ms);
            }
            Event::EndRequested => {
                self.close(Intent::CloseTime, EndReason::EndedByTrainee, &mut out)
            }
        }
        Ok(out)
    }

    fn require_role(&self, peer: PeerId, role: Role) -> Result<(), SessionError> {
        match self.peers.iter().find(|(p, _)| *p == peer) {
            None => Err(SessionError::UnknownPeer(peer)),
            Some((_, r)) if *r != role => Err(SessionError::NotAllowed(peer)),
            Some(_) => Ok(()),
        }
    }

    fn nudge(&self, kind: NudgeKind) -> SessionEvent {
        SessionEvent::Nudge { kind, text: SecretText::copy_from(kind.text(self.scenario.skill)) }
    }

    fn trainee_said(
        &mut self,
        text: SecretText,
        timing: Option<SpeechTiming>,
        out: &mut Vec<SessionEvent>,
    ) -> Result<(), SessionError> {
        if text.expose().trim().is_empty() {
            return Err(SessionError::EmptyUtterance);
        }
        if text.len() > MAX_UTTERANCE_BYTES {
            return Err(SessionError::UtteranceTooLong);
        }
        if let Some(timing) = timing {
            self.scorecard.trainee_speech_ms += timing.duration_ms();
            if timing.interrupted {
                self.scorecard.trainee_interruptions += 1;
            }
            self.now_ms = self.now_ms.max(timing.ended_ms);
        }
        self.turn += 1;
        self.last_trainee_ms = self.now_ms;
        let turn = self.turn;
        let context = Context {
            previous_patient: Some(self.last_patient.text.expose()).filter(|line| !line.is_empty()),
            permission_granted: self.permission_granted,
        };
        let code: Code = self.coder.code(text.expose(), &context);
        let label = code.label;
        self.repeats = if self.last_label == Some(label) { self.repeats + 1 } else { 0 };
        self.last_label = Some(label);
        // Permission holds for the advice that follows the patient's yes, and no longer.
        self.permission_granted = false;
        self.permission_asked = label == Label::SeekingCollaboration;

        let before = self.patient.state();
        self.patient.hear(&self.scenario, code, self.repeats);
        let after = self.patient.state();
        self.scorecard.counts.add(label);
        self.scorecard.trainee_words += count_words(&text);

        out.push(SessionEvent::Trainee { turn, text: text.clone() });
        out.push(SessionEvent::Code {
            turn,
            main: label.main(),
            fine: label,
            confidence: code.confidence,
            uncertain: code.uncertain(),
        });
        out.push(self.state_event());
        out.push(SessionEvent::Gauges(self.scorecard.gauges()));
        let nudge = self.feedback.after_trainee(
            turn,
            label,
            self.last_patient.intent,
            self.last_patient.disclosed,
            after.resistance,
        );
        if let Some(kind) = nudge {
            out.push(self.nudge(kind));
        }
        let impact = f32::from(after.rapport) - f32::from(before.rapport)
            + 2.0 * (f32::from(after.progress) - f32::from(before.progress))
            - (f32::from(after.resistance) - f32::from(before.resistance));
        self.moments.push(Moment { turn, text, label, helped: impact > 0.0, impact });

        let spec = &self.scenario.state;
        if spec.walkout.is_some_and(|walkout| after.resistance >= walkout) {
            self.close(Intent::CloseWalkout, EndReason::PatientLeft, out);
        } else if after.progress >= spec.goal {
            self.close(Intent::CloseGoal, EndReason::GoalReached, out);
        } else if turn >= spec.max_turns {
            self.close(Intent::CloseTime, EndReason::TimeUp, out);
        } else if self.actor_voice.is_none() {
            let words_source = self.moments.last().map(|m| m.text.expose()).unwrap_or_default();
            let lower = Zeroizing::new(words_source.to_lowercase());
            let words: Vec<&str> = words_of(&lower);
            let reply = self.patient.reply(&self.scenario, label, &words);
            drop(words);
            self.permission_granted = self.permission_asked && reply.intent == Intent::Collaborate;
            self.patient_says(reply, out);
        }
        Ok(())
    }

    fn state_event(&self) -> SessionEvent {
        let state = self.patient.state();
        SessionEvent::State {
            rapport: state.rapport,
            resistance: state.resistance,
            progress: state.progress,
            goal: self.scenario.state.goal,
            mood: state.mood(),
            affect: self.patient.affect(self.scenario.skill),
        }
    }

    fn patient_says(&mut self, reply: PatientReply, out: &mut Vec<SessionEvent>) {
        self.scorecard.patient_words += count_words(&reply.text);
        out.push(SessionEvent::Patient {
            turn: self.turn,
            text: reply.text.clone(),
            intent: Some(reply.intent),
            mood: self.patient.state().mood(),
            affect: self.patient.affect(self.scenario.skill),
            disclosed: reply.disclosed.clone(),
        });
        self.last_patient = LastPatientLine {
            text: reply.text,
            intent: Some(reply.intent),
            disclosed: reply.disclosed.is_some(),
        };
    }

    /// Ends the conversation: the patient's closing line, the end, the summary.
    fn close(&mut self, intent: Intent, reason: EndReason, out: &mut Vec<SessionEvent>) {
        if self.actor_voice.is_none() {
            let line = self.patient.closing(&self.scenario, intent);
            self.patient_says(line, out);
        }
        self.phase = Phase::Ended;
        out.push(SessionEvent::Ended { reason });
        out.push(SessionEvent::Summary(Box::new(self.summary(reason))));
    }

    fn summary(&mut self, end_reason: EndReason) -> Summary {
        let counts = self.scorecard.counts.clone();
        let gauges = self.scorecard.gauges();
        let rating = gauges.rating(counts.total());
        let state = self.patient.state();
        Summary {
            end_reason,
            trainee_turns: self.turn,
            mi_adherent: counts.mi_adherent(),
            mi_non_adherent: counts.mi_non_adherent(),
            suggestion: summary::suggestion(self.scenario.skill, &counts, &gauges, rating),
            counts,
            gauges,
            rating,
            interruptions: self.scorecard.trainee_interruptions,
            thresholds: THRESHOLDS,
            patient: state,
            goal_reached: end_reason == EndReason::GoalReached,
            disclosures: self.patient.disclosed_count(),
            disclosures_possible: self.scenario.facts.len(),
            moments: summary::key_moments(std::mem::take(&mut self.moments)),
            next_level_unlocked: false,
        }
    }

    /// Erases what the session holds. Text wipes itself as it is dropped.
    fn wipe(&mut self) {
        self.moments.clear();
        self.last_patient = LastPatientLine::default();
        self.scorecard = Scorecard::default();
        self.feedback.clear();
        self.patient = Patient::new(&self.scenario, 0);
        self.last_label = None;
        self.turn = 0;
        self.peers.clear();
        self.actor_voice = None;
        self.phase = Phase::Wiped;
    }
}

fn count_words(text: &SecretText) -> u32 {
    u32::try_from(text.word_count()).unwrap_or(u32::MAX)
}

/// The words of lowercase `text`, with surrounding punctuation removed (inner `-` and `'` stay).
pub(crate) fn words_of(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .collect()
}
