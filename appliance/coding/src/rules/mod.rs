//! The rule coder: hand-written English cues for each behaviour, and the precedence that picks
//! one label when several cues fire.
//!
//! Each sentence of the utterance is read on its own by the behaviour modules
//! ([`questions`], [`reflections`], [`adherence`], [`input`]); [`summary`] and the permission
//! markers look at the whole turn. Every cue comes with a confidence that says how explicit it
//! is: an unmistakable stem ("It sounds like", "You need to") is near 0.85-0.9, a weaker hint
//! 0.55-0.75, and a turn with no cue at all is Other at [`NO_CUE`], below
//! [`crate::UNCERTAIN_BELOW`] on purpose.
//!
//! Precedence, from first to last (see [`rank`]):
//! 1. Confront: one judging sentence colours the whole turn, whatever else it holds.
//! 2. Persuade (with or without permission): advice is what the client hears, even wrapped in a
//!    question or after a reflection.
//! 3. Seeking collaboration: more specific than the question form it usually takes
//!    ("May I share...?").
//! 4. Summary: it is made of reflections, and names the whole.
//! 5. Emphasizing autonomy.
//! 6. Affirm: praise usually comes in "you" form, which would otherwise read as a reflection.
//! 7. Question (open or closed): a turn that reflects and then asks ends in the question the
//!    client answers.
//! 8. Reflection (simple or complex).
//! 9. Giving information: the neutral remainder of input.
//! 10. Other.
//!
//! Two exceptions:
//! - a weak cue (below [`WEAK_CUE`]) does not win over a strong one (at least [`STRONG_CUE`])
//!   further down the list, so that a passing "you never" does not turn a clear reflection into
//!   a confrontation;
//! - from seeking collaboration down, a cue yields to one further down that is clearly (by
//!   [`MARGIN`]) more certain: a loose "you..." statement next to "The guideline is 14 units a
//!   week" is information, not a reflection. Confront and persuade never yield this way.

mod adherence;
mod fillers;
mod input;
mod questions;
mod reflections;
mod summary;
mod text;

use crate::code::Code;
use crate::label::Label;
use crate::{Coder, Context};
use text::Normalized;

/// Confidence of Other when nothing at all matched: shown as uncertain.
const NO_CUE: f32 = 0.4;
/// Confidence of Other for a turn of pure backchannel or greeting ("Mm-hmm.", "Thanks.").
const ACKNOWLEDGEMENT: f32 = 0.85;
/// Confidence of Other for a backchannel with a question mark ("Yeah?").
const ASKED_ACKNOWLEDGEMENT: f32 = 0.55;
/// Cues below this are weak: they yield to strong cues lower in the precedence.
const WEAK_CUE: f32 = 0.65;
/// How much more certain a later cue must be to win over an earlier one (see the module
/// documentation).
const MARGIN: f32 = 0.1;
/// Cues at or above this are strong.
const STRONG_CUE: f32 = 0.85;
/// Taken off a reflection stem spoken with a question mark ("So you feel stuck?"): MITI codes it
/// as a reflection, but it could be a closed question.
const RISING_PENALTY: f32 = 0.15;

/// The built-in coder: English rules, no model, no I/O.
///
/// It keeps no state and stores nothing of what it codes.
#[derive(Clone, Debug, Default)]
pub struct RuleCoder {
    _private: (),
}

impl RuleCoder {
    /// A rule coder.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Coder for RuleCoder {
    fn code(&self, utterance: &str, context: &Context<'_>) -> Code {
        let normalized = Normalized::new(utterance);
        let text = normalized.text();
        let previous = context.previous_patient.map(Normalized::new);
        let previous_text = previous.as_ref().map(Normalized::text);
        let previous_words = previous_text.as_ref().map(|t| t.words.as_slice());
        code_text(&text, previous_words, context.permission_granted)
    }
}

/// One behaviour cue found in the utterance.
#[derive(Clone, Copy, Debug)]
struct Cue {
    label: Label,
    confidence: f32,
}

/// Codes normalised text; `previous` is the patient's line before, normalised the same way.
fn code_text(text: &text::Text<'_>, previous: Option<&[&str]>, permission_granted: bool) -> Code {
    let mut cues = Vec::new();
    let mut reflective: Vec<&[&str]> = Vec::new();
    let mut reflection_strength: f32 = 0.0;
    let mut sentences: Vec<&[&str]> = Vec::new();

    for sentence in &text.sentences {
        let words = text.sentence_words(sentence);
        sentences.push(words);
        let clauses: Vec<&[&str]> = text.clause_words(sentence).collect();
        let core = fillers::strip(words);
        let asked = questions::question(words, &clauses, sentence.question_mark, text.punctuated);
        let mut push = |label, confidence: Option<f32>| {
            if let Some(confidence) = confidence {
                cues.push(Cue { label, confidence });
            }
        };

        push(Label::Confront, adherence::confront(core.words, sentence.question_mark));
        push(Label::Persuade, input::persuade(core.words, asked.is_some()));
        push(Label::SeekingCollaboration, adherence::collaboration(core.words));
        // "What made you decide...?" asks; autonomy is stated, not asked.
        if asked.is_none() {
            push(Label::EmphasizingAutonomy, adherence::autonomy(core.words));
        }
        match asked {
            Some(question) => push(question.label, Some(question.confidence)),
            // Greetings and thanks carry nothing else ("So, thanks for coming in today").
            None if fillers::acknowledgement(&[words]) => {}
            None => {
                push(Label::Affirm, adherence::affirm(words));
                let strength = reflections::stem(core.words, core.led_by_so)
                    .or_else(|| clauses.iter().skip(1).find_map(|c| reflections::stem_in_clause(c)))
                    .or_else(|| previous.and_then(|p| reflections::echo(core.words, p)));
                if let Some(strength) = strength {
                    let strength = if sentence.question_mark {
                        (strength - RISING_PENALTY).max(0.55)
                    } else {
                        strength
                    };
                    reflective.push(words);
                    reflection_strength = reflection_strength.max(strength);
                    // Simple or complex is settled below, over all reflective sentences.
                    push(Label::SimpleReflection, Some(strength));
                }
                push(Label::GivingInformation, input::information(core.words));
            }
        }
    }
    if let Some(confidence) = summary::summary(&text.words, &reflective) {
        cues.push(Cue { label: Label::Summary, confidence });
    }

    let Some(chosen) = choose(&cues) else {
        if !fillers::acknowledgement(&sentences) {
            return Code::new(Label::Other, NO_CUE);
        }
        // "Yeah?", "Oh, really?": a minimal encourager, which MITI codes as Other, though some
        // coders count it as a question.
        if text.sentences.last().is_some_and(|s| s.question_mark) {
            return Code::new(Label::Other, ASKED_ACKNOWLEDGEMENT);
        }
        return Code::new(Label::Other, ACKNOWLEDGEMENT);
    };
    match chosen.label {
        Label::Persuade => {
            let permitted = permission_granted
                || input::permission_marker(&text.words)
                || cues.iter().any(|c| c.label == Label::EmphasizingAutonomy);
            let label = if permitted { Label::PersuadeWithPermission } else { Label::Persuade };
            Code::new(label, chosen.confidence)
        }
        Label::SimpleReflection => {
            let words: Vec<&str> = reflective.concat();
            let (label, depth_confidence) = reflections::depth(&words, previous);
            Code::new(label, (reflection_strength + depth_confidence) / 2.0)
        }
        label => Code::new(label, chosen.confidence),
    }
}

/// The cue that wins by precedence; see the module documentation.
fn choose(cues: &[Cue]) -> Option<Cue> {
    let strongest = cues.iter().map(|c| c.confidence).fold(0.0, f32::max);
    let mut eligible: Vec<Cue> = cues
        .iter()
        .copied()
        .filter(|c| !(strongest >= STRONG_CUE && c.confidence < WEAK_CUE))
        .collect();
    eligible.sort_by(|a, b| {
        rank(a.label).cmp(&rank(b.label)).then(b.confidence.total_cmp(&a.confidence))
    });
    let mut best = *eligible.first()?;
    for cue in eligible.iter().skip(1) {
        // Confrontation and persuasion never yield: missing them would hide what matters most
        // in feedback. The one exception is a clear summary, which restates the patient's own
        // plans ("you'd like to start with the weeknights") in words a weak advice cue catches.
        let summarised = best.label == Label::Persuade
            && best.confidence < STRONG_CUE
            && cue.label == Label::Summary
            && cue.confidence >= STRONG_CUE;
        let yields = rank(best.label) > rank(Label::Persuade) || summarised;
        if yields && cue.confidence >= best.confidence + MARGIN {
            best = *cue;
        }
    }
    Some(best)
}

/// Position in the precedence: lower wins.
fn rank(label: Label) -> u8 {
    match label {
        Label::Confront => 0,
        Label::Persuade | Label::PersuadeWithPermission => 1,
        Label::SeekingCollaboration => 2,
        Label::Summary => 3,
        Label::EmphasizingAutonomy => 4,
        Label::Affirm => 5,
        Label::OpenQuestion | Label::ClosedQuestion => 6,
        Label::SimpleReflection | Label::ComplexReflection => 7,
        Label::GivingInformation => 8,
        Label::Other => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_follows_the_documented_order() {
        let order = [
            Label::Confront,
            Label::Persuade,
            Label::SeekingCollaboration,
            Label::Summary,
            Label::EmphasizingAutonomy,
            Label::Affirm,
            Label::OpenQuestion,
            Label::SimpleReflection,
            Label::GivingInformation,
            Label::Other,
        ];
        assert!(order.windows(2).all(|pair| rank(pair[0]) < rank(pair[1])));
        assert!(Label::ALL.iter().all(|&l| rank(l) <= rank(Label::Other)));
    }

    #[test]
    fn weak_cues_yield_to_strong_ones() {
        let cues = [
            Cue { label: Label::Confront, confidence: 0.5 },
            Cue { label: Label::SimpleReflection, confidence: 0.85 },
        ];
        assert_eq!(choose(&cues).map(|c| c.label), Some(Label::SimpleReflection));
        let cues = [
            Cue { label: Label::Confront, confidence: 0.7 },
            Cue { label: Label::SimpleReflection, confidence: 0.85 },
        ];
        assert_eq!(choose(&cues).map(|c| c.label), Some(Label::Confront));
    }

    #[test]
    fn a_clearly_surer_later_cue_wins_except_over_persuasion() {
        let cues = [
            Cue { label: Label::SimpleReflection, confidence: 0.65 },
            Cue { label: Label::GivingInformation, confidence: 0.75 },
        ];
        assert_eq!(choose(&cues).map(|c| c.label), Some(Label::GivingInformation));
        let cues = [
            Cue { label: Label::Persuade, confidence: 0.7 },
            Cue { label: Label::OpenQuestion, confidence: 0.9 },
        ];
        assert_eq!(choose(&cues).map(|c| c.label), Some(Label::Persuade));
    }
}
