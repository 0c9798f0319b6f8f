//! Live nudges: short, gentle prompts shown while the trainee talks.
//!
//! At most one nudge a turn, and the same kind of nudge not again within a few turns, so the
//! trainee is helped, not nagged.

use rapport_coding::Label;
use rapport_scenario::{Intent, Skill};
use serde::Serialize;

/// Turns before the same kind of nudge may show again.
const NUDGE_COOLDOWN: u16 = 4;
/// Closed questions in a row before suggesting an open one.
const CLOSED_STREAK: usize = 3;
/// Questions without a reflection before suggesting one.
const QUESTION_STREAK: usize = 4;
/// Resistance gained over the last three turns that counts as the patient pulling back.
const RESISTANCE_RISE: i16 = 12;

/// Why a nudge is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NudgeKind {
    /// Several closed questions in a row.
    ClosedQuestions,
    /// Several questions without a reflection.
    QuestionStreak,
    /// Advice without permission.
    AdviceWithoutPermission,
    /// A confrontation.
    Confrontation,
    /// The patient said something that called for a reflection, and got a question.
    MissedReflection,
    /// The patient's resistance is climbing.
    RisingResistance,
    /// A long silence.
    Silence,
    /// A nudge typed by the supervisor.
    Supervisor,
}

impl NudgeKind {
    /// The station's own words for this kind (not used for supervisor nudges).
    pub fn text(self, skill: Skill) -> &'static str {
        match self {
            NudgeKind::ClosedQuestions => {
                "Three closed questions in a row. An open one (\"What...\", \"How...\") lets them tell you more."
            }
            NudgeKind::QuestionStreak => {
                "Several questions in a row. Before the next one, try saying back what you heard."
            }
            NudgeKind::AdviceWithoutPermission => {
                "That sounded like advice. Asking first (\"Would it be okay if I shared...?\") keeps them with you."
            }
            NudgeKind::Confrontation => {
                "That may have felt like an argument. Reflecting their view lowers defences more than debating it."
            }
            NudgeKind::MissedReflection => match skill {
                Skill::MotivationalInterviewing => {
                    "They just voiced a reason of their own. Reflect it (\"It sounds like...\") before moving on."
                }
                Skill::EmpathicResponse | Skill::BreakingBadNews => {
                    "They just shared a feeling. Naming it (\"That sounds frightening\") helps more than another question."
                }
                Skill::DeEscalation => {
                    "They just told you what matters to them. Acknowledge it before asking anything else."
                }
            },
            NudgeKind::RisingResistance => {
                "They are pulling back. Slow down, and reflect their point of view."
            }
            NudgeKind::Silence => {
                "Take your time. A short reflection of their last words is a good way back in."
            }
            NudgeKind::Supervisor => "",
        }
    }
}

/// What the feedback logic remembers between turns.
#[derive(Clone, Debug, Default)]
pub struct Feedback {
    recent_labels: Vec<Label>,
    recent_resistance: Vec<u8>,
    last_shown: Vec<(NudgeKind, u16)>,
    silence_nudged: bool,
}

impl Feedback {
    /// The nudge, if any, after trainee turn `turn` coded as `label`.
    ///
    /// `previous_patient` is the intent of the patient's line the trainee answered, and
    /// `resistance` the patient's resistance after hearing the trainee.
    pub fn after_trainee(
        &mut self,
        turn: u16,
        label: Label,
        previous_patient: Option<Intent>,
        previous_was_disclosure: bool,
        resistance: u8,
    ) -> Option<NudgeKind> {
        self.recent_labels.push(label);
        self.recent_resistance.push(resistance);
        self.silence_nudged = false;
        let called_for_reflection = previous_was_disclosure
            || matches!(previous_patient, Some(Intent::Change | Intent::FeelHeard));
        let tail = |n: usize, keep: fn(Label) -> bool| {
            self.recent_labels.len() >= n
                && self.recent_labels[self.recent_labels.len() - n..].iter().all(|&l| keep(l))
        };
        let rising = self.recent_resistance.len() >= 4 && {
            let now = i16::from(resistance);
            let before = i16::from(self.recent_resistance[self.recent_resistance.len() - 4]);
            now - before >= RESISTANCE_RISE
        };
        let candidates = [
            (label == Label::Confront, NudgeKind::Confrontation),
            (label == Label::Persuade, NudgeKind::AdviceWithoutPermission),
            (called_for_reflection && label.is_question(), NudgeKind::MissedReflection),
            (tail(CLOSED_STREAK, |l| l == Label::ClosedQuestion), NudgeKind::ClosedQuestions),
            (tail(QUESTION_STREAK, Label::is_question), NudgeKind::QuestionStreak),
            (rising, NudgeKind::RisingResistance),
        ];
        let kind = candidates
            .into_iter()
            .filter(|(applies, _)| *applies)
            .map(|(_, kind)| kind)
            .find(|&kind| self.may_show(kind, turn))?;
        self.last_shown.retain(|(k, _)| *k != kind);
        self.last_shown.push((kind, turn));
        Some(kind)
    }

    /// The nudge, if any, after a silence of `seconds` from the trainee.
    pub fn after_silence(&mut self, seconds: u64) -> Option<NudgeKind> {
        const SILENCE_SECONDS: u64 = 30;
        if seconds >= SILENCE_SECONDS && !self.silence_nudged {
            self.silence_nudged = true;
            return Some(NudgeKind::Silence);
        }
        None
    }

    fn may_show(&self, kind: NudgeKind, turn: u16) -> bool {
        self.last_shown
            .iter()
            .all(|&(shown, at)| shown != kind || turn.saturating_sub(at) >= NUDGE_COOLDOWN)
    }

    /// Forgets everything (the session is being wiped).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn third_closed_question_in_a_row_nudges_once() {
        let mut feedback = Feedback::default();
        let mut shown = Vec::new();
        for turn in 1..=5 {
            shown.push(feedback.after_trainee(turn, Label::ClosedQuestion, None, false, 40));
        }
        assert_eq!(shown[..2], [None, None]);
        assert_eq!(shown[2], Some(NudgeKind::ClosedQuestions));
        assert_eq!(shown[3], Some(NudgeKind::QuestionStreak), "a different nudge may follow");
        assert_eq!(shown[4], None, "cooldown holds");
    }

    #[test]
    fn advice_and_confrontation_are_named() {
        let mut feedback = Feedback::default();
        assert_eq!(
            feedback.after_trainee(1, Label::Persuade, None, false, 40),
            Some(NudgeKind::AdviceWithoutPermission)
        );
        assert_eq!(
            feedback.after_trainee(2, Label::Confront, None, false, 50),
            Some(NudgeKind::Confrontation)
        );
    }

    #[test]
    fn a_question_after_change_talk_is_a_missed_reflection() {
        let mut feedback = Feedback::default();
        let kind =
            feedback.after_trainee(1, Label::ClosedQuestion, Some(Intent::Change), false, 30);
        assert_eq!(kind, Some(NudgeKind::MissedReflection));
        let mut feedback = Feedback::default();
        let kind =
            feedback.after_trainee(1, Label::ComplexReflection, Some(Intent::Change), false, 30);
        assert_eq!(kind, None);
    }

    #[test]
    fn climbing_resistance_is_noticed() {
        let mut feedback = Feedback::default();
        for (turn, resistance) in [(1, 30), (2, 36), (3, 40)] {
            assert_eq!(feedback.after_trainee(turn, Label::Other, None, false, resistance), None);
        }
        assert_eq!(
            feedback.after_trainee(4, Label::Other, None, false, 45),
            Some(NudgeKind::RisingResistance)
        );
    }

    #[test]
    fn silence_nudges_once_until_the_trainee_speaks() {
        let mut feedback = Feedback::default();
        assert_eq!(feedback.after_silence(10), None);
        assert_eq!(feedback.after_silence(31), Some(NudgeKind::Silence));
        assert_eq!(feedback.after_silence(60), None);
        feedback.after_trainee(1, Label::OpenQuestion, None, false, 30);
        assert_eq!(feedback.after_silence(31), Some(NudgeKind::Silence));
    }
}
