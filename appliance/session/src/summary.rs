//! The end-of-session summary: MITI 4.2 counts and ratios against their thresholds, the moments
//! that helped or hurt most, and one concrete suggestion.

use rapport_coding::Label;
use rapport_privacy::SecretText;
use rapport_scenario::{PatientState, Skill};
use serde::Serialize;
use zeroize::Zeroize;

use crate::event::{EndReason, expose};
use crate::scorecard::{
    Counts, FAIR_PERCENT_COMPLEX, FAIR_REFLECTION_TO_QUESTION, GOOD_PERCENT_COMPLEX,
    GOOD_REFLECTION_TO_QUESTION, Gauges, Rating,
};

/// How many moments the summary names.
pub const MOMENTS: usize = 3;

/// A trainee utterance that moved the patient most, for better or worse.
#[derive(Clone, Debug, Serialize)]
pub struct Moment {
    /// The trainee turn, from 1.
    pub turn: u16,
    /// What the trainee said.
    #[serde(serialize_with = "expose")]
    pub text: SecretText,
    /// How it was coded.
    pub label: Label,
    /// Whether it helped (`true`) or hurt.
    pub helped: bool,
    /// How much it moved the patient: rapport plus twice progress minus resistance.
    pub impact: f32,
}

/// The MITI 4.2 thresholds the summary is read against.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Thresholds {
    /// Reflections per question for *fair*.
    pub fair_reflection_to_question: f64,
    /// Reflections per question for *good*.
    pub good_reflection_to_question: f64,
    /// Percent complex reflections for *fair*.
    pub fair_percent_complex_reflections: f64,
    /// Percent complex reflections for *good*.
    pub good_percent_complex_reflections: f64,
}

/// MITI 4.2's thresholds.
pub const THRESHOLDS: Thresholds = Thresholds {
    fair_reflection_to_question: FAIR_REFLECTION_TO_QUESTION,
    good_reflection_to_question: GOOD_REFLECTION_TO_QUESTION,
    fair_percent_complex_reflections: FAIR_PERCENT_COMPLEX,
    good_percent_complex_reflections: GOOD_PERCENT_COMPLEX,
};

/// What the trainee sees at the end.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// Why the session ended.
    pub end_reason: EndReason,
    /// Trainee utterances coded.
    pub trainee_turns: u16,
    /// Per-label counts.
    pub counts: Counts,
    /// Reflection-to-question ratio, % complex reflections, % open questions, talk share.
    #[serde(flatten)]
    pub gauges: Gauges,
    /// Affirm, seeking collaboration and emphasizing autonomy.
    pub mi_adherent: u32,
    /// Persuade without permission and confront.
    pub mi_non_adherent: u32,
    /// The rating against the thresholds.
    pub rating: Rating,
    /// In a spoken session: how often the trainee cut into the patient's line.
    pub interruptions: u32,
    /// The thresholds themselves.
    pub thresholds: Thresholds,
    /// The patient's state at the end.
    pub patient: PatientState,
    /// Whether the patient reached the scenario's goal.
    pub goal_reached: bool,
    /// Facts the patient disclosed, and how many there were.
    pub disclosures: usize,
    /// Facts the scenario holds.
    pub disclosures_possible: usize,
    /// The moments that moved the patient most.
    pub moments: Vec<Moment>,
    /// One concrete thing to try next time.
    pub suggestion: &'static str,
    /// Whether this session opened the next level of the skill.
    pub next_level_unlocked: bool,
}

impl Drop for Summary {
    fn drop(&mut self) {
        self.counts.zeroize();
        self.gauges.zeroize();
        self.mi_adherent.zeroize();
        self.mi_non_adherent.zeroize();
        self.trainee_turns.zeroize();
        self.interruptions.zeroize();
    }
}

/// The moments with the largest effect, strongest first.
pub fn key_moments(mut candidates: Vec<Moment>) -> Vec<Moment> {
    candidates.retain(|moment| moment.impact.abs() >= 1.0);
    candidates.sort_by(|a, b| b.impact.abs().total_cmp(&a.impact.abs()).then(a.turn.cmp(&b.turn)));
    candidates.truncate(MOMENTS);
    candidates
}

/// The one suggestion that would help most, from the weakest part of the session.
pub fn suggestion(skill: Skill, counts: &Counts, gauges: &Gauges, rating: Rating) -> &'static str {
    if counts.total() < crate::scorecard::MIN_RATED_UTTERANCES {
        return "Stay with the conversation a little longer: a few more exchanges give the patient room to open up, and give you a fuller picture.";
    }
    if counts.get(Label::Confront) > 0 {
        return "When you disagree with the patient, reflect their view instead of arguing it: \"You don't see your drinking as the problem\" invites them to say more, a debate invites them to defend.";
    }
    if counts.get(Label::Persuade) > 0 {
        return "Ask before advising: \"Would it be okay if I shared what has helped others?\" Advice they asked for is advice they can hear.";
    }
    if gauges.reflection_to_question < FAIR_REFLECTION_TO_QUESTION {
        return "Aim for at least one reflection per question: after each answer, say back what you heard before you ask the next thing.";
    }
    if gauges.percent_complex_reflections < FAIR_PERCENT_COMPLEX {
        return "Go one step beyond their words: add the feeling or meaning you hear (\"It sounds like you're worried that...\") rather than repeating what they said.";
    }
    if counts.questions() > 0 && gauges.percent_open_questions < 50.0 {
        return "Turn closed questions into open ones: \"How has this affected you?\" rather than \"Has this affected you?\"";
    }
    if rating < Rating::Good {
        return "You are close to a good rating: try two reflections for every question, and let a complex reflection carry the conversation forward.";
    }
    match skill {
        Skill::MotivationalInterviewing => {
            "A strong session. Next time, close with a summary that gathers the patient's own reasons for change, then ask what they make of it."
        }
        Skill::EmpathicResponse => {
            "A strong session. Next time, try all five NURSE moves: name the emotion, show you understand, respect their coping, offer support, and explore what worries them most."
        }
        Skill::BreakingBadNews => {
            "A strong session. Next time, check what the patient has taken in before moving to next steps, and close with a short summary and a clear plan (the S of SPIKES)."
        }
        Skill::DeEscalation => {
            "A strong session. Next time, offer a concrete choice early (\"Would you rather wait here or by your father's bed?\"): choices give back a sense of control."
        }
    }
}
