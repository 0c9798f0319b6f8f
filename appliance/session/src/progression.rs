//! Difficulty progression: within a skill, a level opens once a session at the level below it
//! reaches *fair*.
//!
//! Progress lives in this visit's memory or on the progress card the trainee carries; the station
//! keeps none of it.

use std::collections::BTreeMap;

use rapport_scenario::{Catalog, Difficulty, Scenario, Skill};

use crate::scorecard::Rating;

/// The highest level passed (rated *fair* or better) per skill.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progression {
    passed: BTreeMap<Skill, Difficulty>,
}

impl Progression {
    /// Progress carried over, for example from a progress card.
    pub fn with_passed(passed: impl IntoIterator<Item = (Skill, Difficulty)>) -> Self {
        Self { passed: passed.into_iter().collect() }
    }

    /// The highest level passed in `skill`.
    pub fn passed(&self, skill: Skill) -> Option<Difficulty> {
        self.passed.get(&skill).copied()
    }

    /// The level of `skill` that must be passed before `scenario` opens, if any is still to pass.
    pub fn blocking_level(&self, catalog: &Catalog, scenario: &Scenario) -> Option<Difficulty> {
        let below = catalog
            .of_skill(scenario.skill)
            .map(|s| s.difficulty)
            .filter(|&level| level < scenario.difficulty)
            .max()?;
        match self.passed(scenario.skill) {
            Some(passed) if passed >= below => None,
            _ => Some(below),
        }
    }

    /// Whether `scenario` may be started.
    pub fn is_unlocked(&self, catalog: &Catalog, scenario: &Scenario) -> bool {
        self.blocking_level(catalog, scenario).is_none()
    }

    /// Records a finished session; returns whether it opened a level that was locked.
    pub fn record(&mut self, catalog: &Catalog, scenario: &Scenario, rating: Rating) -> bool {
        if rating < Rating::Fair {
            return false;
        }
        let locked_before: Vec<&str> = catalog
            .of_skill(scenario.skill)
            .filter(|s| !self.is_unlocked(catalog, s))
            .map(|s| s.id.as_str())
            .collect();
        let best = self.passed.entry(scenario.skill).or_insert(scenario.difficulty);
        *best = (*best).max(scenario.difficulty);
        locked_before.iter().any(|id| catalog.get(id).is_some_and(|s| self.is_unlocked(catalog, s)))
    }
}
