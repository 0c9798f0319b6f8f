//! Made-up aggregates for benchmarks and tests: many days of plausible cells, from a seed. Never
//! used by a station in service.

use rapport_session::{EndReason, Rating};

use crate::aggregate::Outcome;
use crate::{Day, MetricsError, SessionAggregate, Store};

/// What to fill.
#[derive(Clone, Copy, Debug)]
pub struct Fill {
    /// The first day.
    pub first_day: Day,
    /// How many consecutive days.
    pub days: u32,
    /// How many scenarios (`scenario-00`, …), each at difficulty 1 + index mod 5.
    pub scenarios: u32,
    /// Sessions per cell: each cell gets between this and twice this.
    pub sessions_per_cell: u32,
    /// Varies the outcomes.
    pub seed: u64,
}

/// Adds the cells of `fill` to `store` in one transaction; returns how many sessions that was.
pub fn fill(store: &mut Store, fill: &Fill) -> Result<u64, MetricsError> {
    let mut state = fill.seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // SplitMix64: plenty for made-up data.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut entries = Vec::new();
    let mut total = 0u64;
    for day_index in 0..fill.days {
        let day = fill.first_day.plus(i64::from(day_index));
        // Trainees improve slowly over the period.
        let progress = f64::from(day_index) / f64::from(fill.days.max(1));
        for scenario in 0..fill.scenarios {
            let id = format!("scenario-{scenario:02}");
            let difficulty = u8::try_from(1 + scenario % 5).unwrap_or(1);
            let mut left = fill.sessions_per_cell
                + u32::try_from(next() % u64::from(fill.sessions_per_cell.max(1))).unwrap_or(0);
            while left > 0 {
                let times = left.min(1 + u32::try_from(next() % 3).unwrap_or(0));
                left -= times;
                let roll = next();
                let rq = 0.4 + 2.0 * progress + (roll % 100) as f64 / 100.0;
                let outcome = Outcome {
                    end_reason: match roll % 7 {
                        0 => EndReason::EndedByTrainee,
                        1 => EndReason::PatientLeft,
                        2 | 3 => EndReason::TimeUp,
                        _ => EndReason::GoalReached,
                    },
                    goal_reached: roll % 7 >= 4,
                    rating: if rq >= 2.0 {
                        Rating::Good
                    } else if rq >= 1.0 {
                        Rating::Fair
                    } else {
                        Rating::BelowFair
                    },
                    reflection_to_question: rq,
                    percent_complex_reflections: 20.0 + 50.0 * progress + ((roll >> 8) % 30) as f64,
                    percent_open_questions: 30.0 + ((roll >> 16) % 60) as f64,
                };
                entries.push((day, SessionAggregate::new(&id, difficulty, outcome)?, times));
                total += u64::from(times);
            }
        }
    }
    store.record_many(entries.iter().map(|(day, aggregate, times)| (*day, aggregate, *times)))?;
    Ok(total)
}
