//! What the dashboard shows, computed from released cells only (post-processing of the noised
//! figures, which costs no privacy): weekly totals and means, totals per difficulty and per
//! scenario.

use std::collections::BTreeMap;

use crate::Day;
use crate::aggregate::{COUNTER_COUNT, Family, family_indices, index_of, midpoints};
use crate::release::ReleasedCell;

/// Counters summed over a group of released cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals(pub [u64; COUNTER_COUNT]);

impl Default for Totals {
    fn default() -> Self {
        Self([0; COUNTER_COUNT])
    }
}

impl Totals {
    fn add(&mut self, values: &[u64; COUNTER_COUNT]) {
        for (sum, value) in self.0.iter_mut().zip(values) {
            *sum += value;
        }
    }

    /// Sessions in the group.
    pub fn sessions(&self) -> u64 {
        self.0[0]
    }

    /// The counter named `name` (0 for an unknown name).
    pub fn get(&self, name: &str) -> u64 {
        index_of(name).map_or(0, |i| self.0[i])
    }

    /// The mean of a histogram family from its bucket midpoints; `None` with no sessions in it.
    pub fn mean(&self, family: Family) -> Option<f64> {
        let mids = midpoints(family);
        let (weighted, count) = family_indices(family)
            .zip(mids)
            .fold((0.0, 0u64), |(w, n), (i, mid)| (w + self.0[i] as f64 * mid, n + self.0[i]));
        (count > 0).then(|| weighted / count as f64)
    }

    /// `name` as a percentage of the group's sessions; `None` with no sessions.
    pub fn percent_of_sessions(&self, name: &str) -> Option<f64> {
        let sessions = self.sessions();
        (sessions > 0).then(|| 100.0 * (self.get(name) as f64) / sessions as f64)
    }
}

/// Everything the dashboard page plots.
#[derive(Clone, Debug, Default)]
pub struct Overview {
    /// Each ISO week from the first released day to the last, gaps included (as zeros).
    pub weeks: Vec<(Day, Totals)>,
    /// Totals per difficulty, 1 to 5.
    pub by_difficulty: [Totals; 5],
    /// Totals per scenario and difficulty, by scenario id.
    pub by_scenario: Vec<((String, u8), Totals)>,
    /// Totals over everything released.
    pub all: Totals,
    /// The last released day.
    pub last_day: Option<Day>,
}

impl Overview {
    /// The overview of `cells`.
    pub fn of(cells: &[ReleasedCell]) -> Self {
        let mut weeks: BTreeMap<Day, Totals> = BTreeMap::new();
        let mut scenarios: BTreeMap<(String, u8), Totals> = BTreeMap::new();
        let mut overview = Self::default();
        for cell in cells {
            weeks.entry(cell.day.week_start()).or_default().add(&cell.values);
            scenarios
                .entry((cell.scenario.clone(), cell.difficulty))
                .or_default()
                .add(&cell.values);
            if let Some(slot) = overview.by_difficulty.get_mut(usize::from(cell.difficulty) - 1) {
                slot.add(&cell.values);
            }
            overview.all.add(&cell.values);
            overview.last_day = overview.last_day.max(Some(cell.day));
        }
        if let (Some((&first, _)), Some((&last, _))) =
            (weeks.first_key_value(), weeks.last_key_value())
        {
            let mut week = first;
            while week <= last {
                overview.weeks.push((week, weeks.get(&week).copied().unwrap_or_default()));
                week = week.plus(7);
            }
        }
        overview.by_scenario = scenarios.into_iter().collect();
        overview
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_continuous_and_means_come_from_buckets() {
        let mut values = [0u64; COUNTER_COUNT];
        values[0] = 10;
        values[index_of("rq_1_to_1_5").expect("a counter")] = 5;
        values[index_of("rq_2_to_3").expect("a counter")] = 5;
        let monday = Day::parse("2026-01-05").expect("a date");
        let cell = |day: Day| ReleasedCell { day, scenario: "a".into(), difficulty: 3, values };
        let overview = Overview::of(&[cell(monday), cell(monday.plus(22))]);
        assert_eq!(overview.weeks.len(), 4);
        assert_eq!(overview.weeks[1].1.sessions(), 0);
        assert_eq!(overview.weeks[3].1.sessions(), 10);
        assert_eq!(overview.all.mean(Family::ReflectionToQuestion), Some(1.875));
        assert_eq!(overview.all.mean(Family::PercentOpenQuestions), None);
        assert_eq!(overview.by_difficulty[2].sessions(), 20);
    }
}
