//! The validated scenario: what the session engine and the catalog screen work from.

use std::collections::BTreeMap;
use std::fmt;

use rapport_coding::Label;
use serde::Serialize;

/// The communication skill a scenario trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    /// Motivational interviewing (coded per MITI 4.2).
    MotivationalInterviewing,
    /// Responding to emotion (NURSE statements).
    EmpathicResponse,
    /// Breaking bad news (SPIKES).
    BreakingBadNews,
    /// Calming an agitated patient or relative.
    DeEscalation,
}

impl Skill {
    /// Every skill, in catalog order.
    pub const ALL: [Skill; 4] = [
        Skill::MotivationalInterviewing,
        Skill::EmpathicResponse,
        Skill::BreakingBadNews,
        Skill::DeEscalation,
    ];

    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Skill::MotivationalInterviewing => "motivational_interviewing",
            Skill::EmpathicResponse => "empathic_response",
            Skill::BreakingBadNews => "breaking_bad_news",
            Skill::DeEscalation => "de_escalation",
        }
    }

    /// Parses the name used in scenario files.
    pub fn parse(name: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|skill| skill.as_str() == name)
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            Skill::MotivationalInterviewing => "Motivational interviewing",
            Skill::EmpathicResponse => "Empathic response",
            Skill::BreakingBadNews => "Breaking bad news",
            Skill::DeEscalation => "De-escalation",
        }
    }
}

impl fmt::Display for Skill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Difficulty from 1 (a cooperative patient) to 5 (guarded, high stakes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Difficulty(u8);

impl Difficulty {
    /// The easiest level.
    pub const MIN: Difficulty = Difficulty(1);
    /// The hardest level.
    pub const MAX: Difficulty = Difficulty(5);

    /// A difficulty, if `level` is within 1–5.
    pub fn new(level: i64) -> Option<Difficulty> {
        u8::try_from(level).ok().filter(|l| (1..=5).contains(l)).map(Difficulty)
    }

    /// The level as a number.
    pub fn level(self) -> u8 {
        self.0
    }
}

/// The patient's expression, which the kiosk shows as a portrait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Affect {
    /// At ease, neutral.
    Calm,
    /// Wary, holding back.
    Guarded,
    /// Upset, frightened, tearful.
    Distressed,
    /// Angry, irritated.
    Angry,
    /// Warm, hopeful, engaged.
    Hopeful,
}

impl Affect {
    /// Every affect, in file order.
    pub const ALL: [Affect; 5] =
        [Affect::Calm, Affect::Guarded, Affect::Distressed, Affect::Angry, Affect::Hopeful];

    /// The key used in `[persona.portraits]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Affect::Calm => "calm",
            Affect::Guarded => "guarded",
            Affect::Distressed => "distressed",
            Affect::Angry => "angry",
            Affect::Hopeful => "hopeful",
        }
    }
}

/// One portrait name per affect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Portraits(pub(crate) [String; 5]);

impl Portraits {
    /// The portrait shown for `affect`.
    pub fn get(&self, affect: Affect) -> &str {
        &self.0[affect as usize]
    }
}

/// Who the patient is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Persona {
    /// Name.
    pub name: String,
    /// Age in years.
    pub age: u8,
    /// Pronouns, such as `she/her`.
    pub pronouns: String,
    /// Background for the actor and the engine.
    pub situation: String,
    /// Hints for the synthetic voice and for an actor.
    pub voice: String,
    /// Portrait per affect.
    pub portraits: Portraits,
}

/// The patient's inner state, each value 0–100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PatientState {
    /// How heard and safe the patient feels.
    pub rapport: u8,
    /// How defensive or closed the patient is.
    pub resistance: u8,
    /// Movement toward the scenario's goal.
    pub progress: u8,
}

impl PatientState {
    /// The mood that selects the patient's lines.
    pub fn mood(self) -> Mood {
        if self.resistance >= 60 || self.rapport < 30 {
            Mood::Guarded
        } else if self.rapport >= 60 && self.resistance < 40 {
            Mood::Open
        } else {
            Mood::Neutral
        }
    }
}

/// How the patient's state starts and where the conversation ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateSpec {
    /// What progress means in this scenario ("readiness to change").
    pub progress_name: String,
    /// The state when the patient opens.
    pub initial: PatientState,
    /// Progress at which the goal is reached.
    pub goal: u8,
    /// Resistance at which the patient leaves, if they ever do.
    pub walkout: Option<u8>,
    /// Trainee turns after which time is up.
    pub max_turns: u16,
}

/// A scenario's override of the engine's effect of one behaviour; a part left out keeps the
/// engine's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EffectOverride {
    /// Change of rapport.
    pub rapport: Option<i8>,
    /// Change of resistance.
    pub resistance: Option<i8>,
    /// Change of progress.
    pub progress: Option<i8>,
}

impl EffectOverride {
    /// `default` with this override's parts in place of its own.
    pub fn over(self, default: Delta) -> Delta {
        Delta {
            rapport: self.rapport.unwrap_or(default.rapport),
            resistance: self.resistance.unwrap_or(default.resistance),
            progress: self.progress.unwrap_or(default.progress),
        }
    }
}

/// A change of the patient's state caused by one trainee behaviour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Delta {
    /// Change of rapport.
    pub rapport: i8,
    /// Change of resistance.
    pub resistance: i8,
    /// Change of progress (before the engine scales it by rapport).
    pub progress: i8,
}

/// Something the patient discloses only when it is earned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// Identifier, unique in the scenario.
    pub id: String,
    /// Rapport needed before the patient says it.
    pub min_rapport: u8,
    /// Open questions the trainee must have asked first.
    pub min_open_questions: u16,
    /// Lowercase keywords that bring the disclosure sooner.
    pub topics: Vec<String>,
    /// Phrasings of the disclosure.
    pub text: Vec<String>,
}

/// What the patient is doing with a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// The first line of the conversation.
    Opening,
    /// A short answer to a closed question.
    AnswerClosed,
    /// A fuller answer to an open question.
    AnswerOpen,
    /// Going deeper after a reflection that landed.
    FeelHeard,
    /// Arguing for the status quo, pulling back.
    Sustain,
    /// Moving toward the goal.
    Change,
    /// Defensiveness after advice without permission or confrontation.
    PushBack,
    /// Response to an affirmation.
    ReceiveAffirm,
    /// Response to information or advice given with permission.
    ReceiveInfo,
    /// Response to a request for permission, an invitation, autonomy support.
    Collaborate,
    /// Response to something that is not a recognisable clinical move.
    Unclear,
    /// Closing when the goal is reached.
    CloseGoal,
    /// Closing when the patient walks out.
    CloseWalkout,
    /// Closing when time is up or the trainee ends.
    CloseTime,
}

impl Intent {
    /// Every intent, in file order.
    pub const ALL: [Intent; 14] = [
        Intent::Opening,
        Intent::AnswerClosed,
        Intent::AnswerOpen,
        Intent::FeelHeard,
        Intent::Sustain,
        Intent::Change,
        Intent::PushBack,
        Intent::ReceiveAffirm,
        Intent::ReceiveInfo,
        Intent::Collaborate,
        Intent::Unclear,
        Intent::CloseGoal,
        Intent::CloseWalkout,
        Intent::CloseTime,
    ];

    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Opening => "opening",
            Intent::AnswerClosed => "answer_closed",
            Intent::AnswerOpen => "answer_open",
            Intent::FeelHeard => "feel_heard",
            Intent::Sustain => "sustain",
            Intent::Change => "change",
            Intent::PushBack => "push_back",
            Intent::ReceiveAffirm => "receive_affirm",
            Intent::ReceiveInfo => "receive_info",
            Intent::Collaborate => "collaborate",
            Intent::Unclear => "unclear",
            Intent::CloseGoal => "close_goal",
            Intent::CloseWalkout => "close_walkout",
            Intent::CloseTime => "close_time",
        }
    }

    /// Parses the name used in scenario files.
    pub fn parse(name: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|intent| intent.as_str() == name)
    }

    /// Whether the intent is said once, at the start or the end, whatever the mood.
    pub fn is_bookend(self) -> bool {
        matches!(
            self,
            Intent::Opening | Intent::CloseGoal | Intent::CloseWalkout | Intent::CloseTime
        )
    }
}

/// The patient's mood, derived from their state; it selects the tone of their lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    /// Defensive or hurt.
    Guarded,
    /// Neither.
    Neutral,
    /// Warm and engaged.
    Open,
}

impl Mood {
    /// Every mood.
    pub const ALL: [Mood; 3] = [Mood::Guarded, Mood::Neutral, Mood::Open];

    /// The name used in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Mood::Guarded => "guarded",
            Mood::Neutral => "neutral",
            Mood::Open => "open",
        }
    }
}

/// Phrasings for one intent in one mood (or in any mood, when `mood` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineGroup {
    /// What the patient is doing.
    pub intent: Intent,
    /// The mood these lines fit; `None` for any.
    pub mood: Option<Mood>,
    /// Lowercase keywords that make these lines preferred.
    pub topics: Vec<String>,
    /// The phrasings.
    pub text: Vec<String>,
}

impl LineGroup {
    /// Whether the group fits `mood`.
    pub fn fits(&self, mood: Mood) -> bool {
        self.mood.is_none_or(|m| m == mood)
    }
}

/// A validated scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Identifier, equal to the file's stem.
    pub id: String,
    /// Title on the catalog card.
    pub title: String,
    /// Skill practised.
    pub skill: Skill,
    /// Difficulty level.
    pub difficulty: Difficulty,
    /// Where the conversation happens.
    pub setting: String,
    /// What the trainee reads first.
    pub brief: String,
    /// Goals shown to the trainee.
    pub goals: Vec<String>,
    /// The patient.
    pub persona: Persona,
    /// Starting state and end conditions.
    pub state: StateSpec,
    /// Per-behaviour overrides of the engine's default deltas.
    pub effects: BTreeMap<Label, EffectOverride>,
    /// Earned disclosures.
    pub facts: Vec<Fact>,
    /// The patient's lines.
    pub lines: Vec<LineGroup>,
}

impl Scenario {
    /// Line groups for `intent` that fit `mood`.
    pub fn lines_for(&self, intent: Intent, mood: Mood) -> impl Iterator<Item = &LineGroup> {
        self.lines.iter().filter(move |group| group.intent == intent && group.fits(mood))
    }

    /// Total number of phrasings, disclosures included.
    pub fn phrasing_count(&self) -> usize {
        self.lines.iter().map(|g| g.text.len()).sum::<usize>()
            + self.facts.iter().map(|f| f.text.len()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mood_follows_state() {
        let state = |rapport, resistance| PatientState { rapport, resistance, progress: 0 };
        assert_eq!(state(50, 70).mood(), Mood::Guarded);
        assert_eq!(state(20, 10).mood(), Mood::Guarded);
        assert_eq!(state(45, 45).mood(), Mood::Neutral);
        assert_eq!(state(65, 30).mood(), Mood::Open);
        assert_eq!(state(65, 45).mood(), Mood::Neutral);
    }

    #[test]
    fn names_round_trip() {
        for skill in Skill::ALL {
            assert_eq!(Skill::parse(skill.as_str()), Some(skill));
        }
        for intent in Intent::ALL {
            assert_eq!(Intent::parse(intent.as_str()), Some(intent));
        }
        assert_eq!(Difficulty::new(0), None);
        assert_eq!(Difficulty::new(6), None);
        assert_eq!(Difficulty::new(3).map(Difficulty::level), Some(3));
    }
}
