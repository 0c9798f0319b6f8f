//! What one consented session contributes: one increment of a fixed set of counters in the cell
//! of its day, scenario and difficulty. The session's own figures are reduced to histogram
//! buckets here, before anything reaches the store.

use rapport_session::{EndReason, Rating, Summary};
use serde::Serialize;

use crate::MetricsError;

/// One counter of a cell. Every session adds 1 to [`Counter::Sessions`], to one end reason, to
/// one rating and to one bucket of each histogram, and 1 to [`Counter::GoalReached`] when the
/// patient reached the scenario's goal: at most [`SENSITIVITY`] in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    /// The column in the store and the key in exports.
    pub name: &'static str,
    /// The family it belongs to, for the OpenMetrics endpoint.
    pub family: Family,
    /// The label value inside its family (`""` for the plain counts).
    pub label: &'static str,
}

/// Families of counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Sessions counted.
    Sessions,
    /// Sessions by why they ended.
    EndReason,
    /// Sessions in which the patient reached the goal.
    GoalReached,
    /// Sessions by rating.
    Rating,
    /// Sessions by reflection-to-question ratio bucket.
    ReflectionToQuestion,
    /// Sessions by percent-complex-reflections bucket.
    PercentComplexReflections,
    /// Sessions by percent-open-questions bucket.
    PercentOpenQuestions,
}

const fn counter(name: &'static str, family: Family, label: &'static str) -> Counter {
    Counter { name, family, label }
}

/// How many counters a cell holds.
pub const COUNTER_COUNT: usize = 24;

/// The most a single session adds to a cell's counters, summed (the L1 sensitivity of a cell).
pub const SENSITIVITY: f64 = 7.0;

/// Upper bounds (exclusive) of the reflection-to-question buckets; the last bucket is open.
/// 1 and 2 are MITI 4.2's *fair* and *good* thresholds.
pub const REFLECTION_TO_QUESTION_BOUNDS: [f64; 5] = [0.5, 1.0, 1.5, 2.0, 3.0];
/// Upper bounds (exclusive) of the percent-complex-reflections buckets; 40 and 50 are *fair* and
/// *good*.
pub const PERCENT_COMPLEX_BOUNDS: [f64; 4] = [20.0, 40.0, 50.0, 70.0];
/// Upper bounds (exclusive) of the percent-open-questions buckets.
pub const PERCENT_OPEN_BOUNDS: [f64; 3] = [25.0, 50.0, 75.0];

/// Every counter of a cell, in storage order.
pub const COUNTERS: [Counter; COUNTER_COUNT] = [
    counter("sessions", Family::Sessions, ""),
    counter("ended_goal_reached", Family::EndReason, "goal_reached"),
    counter("ended_patient_left", Family::EndReason, "patient_left"),
    counter("ended_time_up", Family::EndReason, "time_up"),
    counter("ended_by_trainee", Family::EndReason, "ended_by_trainee"),
    counter("goal_reached", Family::GoalReached, ""),
    counter("rated_below_fair", Family::Rating, "below_fair"),
    counter("rated_fair", Family::Rating, "fair"),
    counter("rated_good", Family::Rating, "good"),
    counter("rq_below_0_5", Family::ReflectionToQuestion, "0-0.5"),
    counter("rq_0_5_to_1", Family::ReflectionToQuestion, "0.5-1"),
    counter("rq_1_to_1_5", Family::ReflectionToQuestion, "1-1.5"),
    counter("rq_1_5_to_2", Family::ReflectionToQuestion, "1.5-2"),
    counter("rq_2_to_3", Family::ReflectionToQuestion, "2-3"),
    counter("rq_3_up", Family::ReflectionToQuestion, "3+"),
    counter("complex_below_20", Family::PercentComplexReflections, "0-20"),
    counter("complex_20_to_40", Family::PercentComplexReflections, "20-40"),
    counter("complex_40_to_50", Family::PercentComplexReflections, "40-50"),
    counter("complex_50_to_70", Family::PercentComplexReflections, "50-70"),
    counter("complex_70_up", Family::PercentComplexReflections, "70-100"),
    counter("open_below_25", Family::PercentOpenQuestions, "0-25"),
    counter("open_25_to_50", Family::PercentOpenQuestions, "25-50"),
    counter("open_50_to_75", Family::PercentOpenQuestions, "50-75"),
    counter("open_75_up", Family::PercentOpenQuestions, "75-100"),
];

/// Index of the first counter of each histogram in [`COUNTERS`].
const RQ_FIRST: usize = 9;
const COMPLEX_FIRST: usize = 15;
const OPEN_FIRST: usize = 20;

/// The index of the counter named `name`.
pub fn index_of(name: &str) -> Option<usize> {
    COUNTERS.iter().position(|c| c.name == name)
}

/// The bucket midpoints of a histogram family, for means computed from released buckets.
pub fn midpoints(family: Family) -> &'static [f64] {
    match family {
        Family::ReflectionToQuestion => &[0.25, 0.75, 1.25, 1.75, 2.5, 3.5],
        Family::PercentComplexReflections => &[10.0, 30.0, 45.0, 60.0, 85.0],
        Family::PercentOpenQuestions => &[12.5, 37.5, 62.5, 87.5],
        _ => &[],
    }
}

/// The indices in [`COUNTERS`] of a family's counters.
pub fn family_indices(family: Family) -> impl Iterator<Item = usize> {
    COUNTERS.iter().enumerate().filter(move |(_, c)| c.family == family).map(|(i, _)| i)
}

/// What one consented session adds to the store: where it goes (scenario and difficulty; the day
/// is the store's) and which counters it increments. It holds no text, no time and nothing
/// finer than a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionAggregate {
    scenario: String,
    difficulty: u8,
    increments: [u8; COUNTER_COUNT],
}

impl SessionAggregate {
    /// The aggregate of a session of `scenario` at `difficulty` that ended with `summary`.
    pub fn from_summary(
        scenario: &str,
        difficulty: u8,
        summary: &Summary,
    ) -> Result<Self, MetricsError> {
        Self::new(
            scenario,
            difficulty,
            Outcome {
                end_reason: summary.end_reason,
                goal_reached: summary.goal_reached,
                rating: summary.rating,
                reflection_to_question: summary.gauges.reflection_to_question,
                percent_complex_reflections: summary.gauges.percent_complex_reflections,
                percent_open_questions: summary.gauges.percent_open_questions,
            },
        )
    }

    /// The aggregate of a session with `outcome`.
    pub fn new(scenario: &str, difficulty: u8, outcome: Outcome) -> Result<Self, MetricsError> {
        check_scenario_id(scenario)?;
        if !(1..=5).contains(&difficulty) {
            return Err(MetricsError::Difficulty(difficulty));
        }
        let mut increments = [0u8; COUNTER_COUNT];
        increments[0] = 1;
        increments[match outcome.end_reason {
            EndReason::GoalReached => 1,
            EndReason::PatientLeft => 2,
            EndReason::TimeUp => 3,
            EndReason::EndedByTrainee => 4,
        }] = 1;
        increments[5] = u8::from(outcome.goal_reached);
        increments[match outcome.rating {
            Rating::BelowFair => 6,
            Rating::Fair => 7,
            Rating::Good => 8,
        }] = 1;
        increments
            [RQ_FIRST + bucket(outcome.reflection_to_question, &REFLECTION_TO_QUESTION_BOUNDS)] = 1;
        increments[COMPLEX_FIRST
            + bucket(outcome.percent_complex_reflections, &PERCENT_COMPLEX_BOUNDS)] = 1;
        increments[OPEN_FIRST + bucket(outcome.percent_open_questions, &PERCENT_OPEN_BOUNDS)] = 1;
        Ok(Self { scenario: scenario.to_owned(), difficulty, increments })
    }

    /// The scenario id.
    pub fn scenario(&self) -> &str {
        &self.scenario
    }

    /// The difficulty, 1–5.
    pub fn difficulty(&self) -> u8 {
        self.difficulty
    }

    /// How much each counter of [`COUNTERS`] goes up: 0 or 1.
    pub fn increments(&self) -> &[u8; COUNTER_COUNT] {
        &self.increments
    }
}

/// The figures of a finished session that the aggregate is made from.
#[derive(Clone, Copy, Debug)]
pub struct Outcome {
    /// Why it ended.
    pub end_reason: EndReason,
    /// Whether the patient reached the scenario's goal.
    pub goal_reached: bool,
    /// The MITI rating.
    pub rating: Rating,
    /// Reflections per question.
    pub reflection_to_question: f64,
    /// Complex reflections as a percentage of reflections.
    pub percent_complex_reflections: f64,
    /// Open questions as a percentage of questions.
    pub percent_open_questions: f64,
}

/// The bucket of `value` given exclusive upper bounds; NaN goes to the first bucket.
fn bucket(value: f64, bounds: &[f64]) -> usize {
    bounds.iter().position(|&bound| value.is_nan() || value < bound).unwrap_or(bounds.len())
}

/// Checks that a scenario id is one the store accepts: 1–64 of `a-z 0-9 - _`.
pub fn check_scenario_id(id: &str) -> Result<(), MetricsError> {
    let valid = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid { Ok(()) } else { Err(MetricsError::ScenarioId(id.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(rq: f64, complex: f64, open: f64) -> Outcome {
        Outcome {
            end_reason: EndReason::EndedByTrainee,
            goal_reached: false,
            rating: Rating::Fair,
            reflection_to_question: rq,
            percent_complex_reflections: complex,
            percent_open_questions: open,
        }
    }

    #[test]
    fn each_session_adds_one_per_family_and_at_most_the_sensitivity() {
        let aggregate =
            SessionAggregate::new("alcohol-weekend", 2, outcome(1.0, 40.0, 100.0)).expect("valid");
        let ones: Vec<&str> = COUNTERS
            .iter()
            .zip(aggregate.increments())
            .filter(|(_, n)| **n == 1)
            .map(|(c, _)| c.name)
            .collect();
        assert_eq!(
            ones,
            [
                "sessions",
                "ended_by_trainee",
                "rated_fair",
                "rq_1_to_1_5",
                "complex_40_to_50",
                "open_75_up"
            ]
        );
        let total: u32 = aggregate.increments().iter().map(|&n| u32::from(n)).sum();
        assert!(f64::from(total) <= SENSITIVITY);
        assert_eq!(family_indices(Family::ReflectionToQuestion).count(), 6);
        assert_eq!(midpoints(Family::PercentOpenQuestions).len(), 4);
    }

    #[test]
    fn buckets_put_thresholds_in_the_upper_bucket() {
        assert_eq!(bucket(0.0, &REFLECTION_TO_QUESTION_BOUNDS), 0);
        assert_eq!(bucket(2.0, &REFLECTION_TO_QUESTION_BOUNDS), 4);
        assert_eq!(bucket(9.0, &REFLECTION_TO_QUESTION_BOUNDS), 5);
        assert_eq!(bucket(f64::NAN, &REFLECTION_TO_QUESTION_BOUNDS), 0);
    }

    #[test]
    fn refuses_ids_and_levels_the_store_does_not_take() {
        for id in ["", "Upper", "with space", "x'; drop", &"a".repeat(65)] {
            assert!(SessionAggregate::new(id, 1, outcome(0.0, 0.0, 0.0)).is_err(), "{id}");
        }
        assert!(SessionAggregate::new("ok", 0, outcome(0.0, 0.0, 0.0)).is_err());
        assert!(SessionAggregate::new("ok", 6, outcome(0.0, 0.0, 0.0)).is_err());
    }
}
