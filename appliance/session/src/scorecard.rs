//! The running tally of a session: behaviour counts, talk, and the MITI 4.2 summary scores.
//!
//! Thresholds are MITI 4.2's: reflection-to-question ratio 1:1 for *fair* and 2:1 for *good*;
//! complex reflections 40 % of reflections for *fair* and 50 % for *good*.

use rapport_coding::Label;
use serde::Serialize;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Reflection-to-question ratio for a *fair* rating.
pub const FAIR_REFLECTION_TO_QUESTION: f64 = 1.0;
/// Reflection-to-question ratio for a *good* rating.
pub const GOOD_REFLECTION_TO_QUESTION: f64 = 2.0;
/// Percent complex reflections for a *fair* rating.
pub const FAIR_PERCENT_COMPLEX: f64 = 40.0;
/// Percent complex reflections for a *good* rating.
pub const GOOD_PERCENT_COMPLEX: f64 = 50.0;
/// Coded trainee utterances a session needs before it can be rated above *below fair*: a couple
/// of lucky reflections are not a conversation.
pub const MIN_RATED_UTTERANCES: u32 = 6;

/// Per-label counts of coded trainee utterances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Zeroize)]
pub struct Counts([u32; 13]);

impl Counts {
    /// The count of `label`.
    pub fn get(&self, label: Label) -> u32 {
        self.0[index(label)]
    }

    pub(crate) fn add(&mut self, label: Label) {
        self.0[index(label)] += 1;
    }

    /// Total coded utterances.
    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    fn sum(&self, keep: impl Fn(Label) -> bool) -> u32 {
        Label::ALL.into_iter().filter(|&l| keep(l)).map(|l| self.get(l)).sum()
    }

    /// Open plus closed questions.
    pub fn questions(&self) -> u32 {
        self.sum(Label::is_question)
    }

    /// Simple plus complex reflections.
    pub fn reflections(&self) -> u32 {
        self.sum(Label::is_reflection)
    }

    /// Affirm, seeking collaboration, emphasizing autonomy.
    pub fn mi_adherent(&self) -> u32 {
        self.sum(Label::is_mi_adherent)
    }

    /// Persuade (without permission) and confront.
    pub fn mi_non_adherent(&self) -> u32 {
        self.sum(Label::is_mi_non_adherent)
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Label::ALL.len()))?;
        for label in Label::ALL {
            map.serialize_entry(label.as_str(), &self.get(label))?;
        }
        map.end()
    }
}

fn index(label: Label) -> usize {
    Label::ALL.iter().position(|&l| l == label).unwrap_or(Label::ALL.len() - 1)
}

/// How a session rates against MITI 4.2 thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Below the *fair* thresholds.
    BelowFair,
    /// At or above *fair*.
    Fair,
    /// At or above *good*.
    Good,
}

/// The running gauges the trainee sees while talking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Zeroize)]
pub struct Gauges {
    /// Reflections per question. With no question asked yet, the number of reflections.
    pub reflection_to_question: f64,
    /// Complex reflections as a percentage of all reflections (0 with none).
    pub percent_complex_reflections: f64,
    /// Open questions as a percentage of all questions (0 with none).
    pub percent_open_questions: f64,
    /// The trainee's share of the talk, in percent: of the time spoken when the session is
    /// spoken, of the words otherwise.
    pub talk_share: f64,
}

impl Gauges {
    /// The gauges for `counts` and the words each side spoke.
    pub fn compute(counts: &Counts, trainee_words: u32, patient_words: u32) -> Self {
        let percent = |part: u32, whole: u32| {
            if whole == 0 { 0.0 } else { 100.0 * f64::from(part) / f64::from(whole) }
        };
        let reflections = counts.reflections();
        Self {
            reflection_to_question: f64::from(reflections) / f64::from(counts.questions().max(1)),
            percent_complex_reflections: percent(counts.get(Label::ComplexReflection), reflections),
            percent_open_questions: percent(counts.get(Label::OpenQuestion), counts.questions()),
            talk_share: percent(trainee_words, trainee_words + patient_words),
        }
    }

    /// The rating these gauges earn, given how many utterances were coded.
    pub fn rating(&self, coded: u32) -> Rating {
        let good = self.reflection_to_question >= GOOD_REFLECTION_TO_QUESTION
            && self.percent_complex_reflections >= GOOD_PERCENT_COMPLEX;
        let fair = self.reflection_to_question >= FAIR_REFLECTION_TO_QUESTION
            && self.percent_complex_reflections >= FAIR_PERCENT_COMPLEX;
        if coded < MIN_RATED_UTTERANCES {
            Rating::BelowFair
        } else if good {
            Rating::Good
        } else if fair {
            Rating::Fair
        } else {
            Rating::BelowFair
        }
    }
}

/// Counts and talk of the session so far.
#[derive(Clone, Debug, Default, Zeroize, ZeroizeOnDrop)]
pub struct Scorecard {
    /// Per-label counts.
    pub counts: Counts,
    /// Words the trainee spoke.
    pub trainee_words: u32,
    /// Words the patient spoke.
    pub patient_words: u32,
    /// Milliseconds of the trainee's speech (spoken sessions).
    pub trainee_speech_ms: u64,
    /// Milliseconds the patient's voice played (spoken sessions).
    pub patient_speech_ms: u64,
    /// Times the trainee started speaking while the patient was still speaking.
    pub trainee_interruptions: u32,
    /// Times the patient's voice was stopped by the trainee (barge-in).
    pub patient_interrupted: u32,
}

impl Scorecard {
    /// The gauges now. A spoken session measures talk share in time, a typed one in words.
    pub fn gauges(&self) -> Gauges {
        let mut gauges = Gauges::compute(&self.counts, self.trainee_words, self.patient_words);
        let spoken = self.trainee_speech_ms + self.patient_speech_ms;
        if spoken > 0 {
            // Millisecond totals of one session are far below 2^52: the conversion is exact.
            let share = 100.0 * self.trainee_speech_ms as f64 / spoken as f64;
            gauges.talk_share = share;
        }
        gauges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(entries: &[(Label, u32)]) -> Counts {
        let mut counts = Counts::default();
        for &(label, n) in entries {
            for _ in 0..n {
                counts.add(label);
            }
        }
        counts
    }

    #[test]
    fn ratios_follow_miti_definitions() {
        let c = counts(&[
            (Label::OpenQuestion, 3),
            (Label::ClosedQuestion, 1),
            (Label::SimpleReflection, 2),
            (Label::ComplexReflection, 6),
            (Label::Persuade, 1),
            (Label::Affirm, 2),
        ]);
        let g = Gauges::compute(&c, 30, 90);
        assert_eq!(g.reflection_to_question, 2.0);
        assert_eq!(g.percent_complex_reflections, 75.0);
        assert_eq!(g.percent_open_questions, 75.0);
        assert_eq!(g.talk_share, 25.0);
        assert_eq!(c.mi_adherent(), 2);
        assert_eq!(c.mi_non_adherent(), 1);
        assert_eq!(g.rating(c.total()), Rating::Good);
    }

    #[test]
    fn a_spoken_session_measures_talk_share_in_time() {
        let mut card = Scorecard::default();
        card.trainee_words = 10;
        card.patient_words = 30;
        assert_eq!(card.gauges().talk_share, 25.0);
        card.patient_words = 10;
        card.trainee_speech_ms = 3_000;
        card.patient_speech_ms = 9_000;
        assert_eq!(card.gauges().talk_share, 25.0);
    }

    #[test]
    fn thresholds_separate_the_ratings() {
        // 4 questions, 3 simple and 2 complex reflections: R:Q 1.25, 40 % complex: fair.
        let mut c = counts(&[
            (Label::OpenQuestion, 4),
            (Label::SimpleReflection, 3),
            (Label::ComplexReflection, 2),
        ]);
        assert_eq!(Gauges::compute(&c, 1, 1).rating(c.total()), Rating::Fair);
        // Two more closed questions bring R:Q under 1:1.
        c.add(Label::ClosedQuestion);
        c.add(Label::ClosedQuestion);
        assert_eq!(Gauges::compute(&c, 1, 1).rating(c.total()), Rating::BelowFair);
        // Doubling reflections, mostly complex, reaches good.
        let good = counts(&[
            (Label::OpenQuestion, 3),
            (Label::SimpleReflection, 3),
            (Label::ComplexReflection, 3),
        ]);
        assert_eq!(Gauges::compute(&good, 1, 1).rating(good.total()), Rating::Good);
        let questions_only = counts(&[(Label::ClosedQuestion, 8), (Label::Persuade, 3)]);
        let g = Gauges::compute(&questions_only, 1, 1);
        assert_eq!(g.reflection_to_question, 0.0);
        assert_eq!(g.rating(questions_only.total()), Rating::BelowFair);
    }

    #[test]
    fn too_short_a_session_is_not_rated() {
        let c = counts(&[(Label::ComplexReflection, 3)]);
        assert_eq!(Gauges::compute(&c, 1, 1).rating(c.total()), Rating::BelowFair);
    }

    #[test]
    fn empty_session_has_zero_gauges() {
        let g = Gauges::compute(&Counts::default(), 0, 0);
        assert_eq!(g, Gauges::default());
    }
}
