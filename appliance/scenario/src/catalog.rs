//! [`Catalog`]: every valid scenario, and what was wrong with the others.

use crate::error::ScenarioError;
use crate::model::{Scenario, Skill};
use crate::validate::parse_scenario;

/// The text of one scenario file, as read by the station.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file's path or name, for error messages; its stem must be the scenario's id.
    pub file: &'a str,
    /// The file's content.
    pub text: &'a str,
}

/// The scenarios a trainee can choose from, ordered by skill, difficulty and id.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    scenarios: Vec<Scenario>,
}

/// The result of loading a catalog: the scenarios that validated and the errors of the others.
#[derive(Debug, Default)]
pub struct CatalogLoad {
    /// Every scenario that validated.
    pub catalog: Catalog,
    /// Every error of every file that did not; a bad file never hides the good ones.
    pub errors: Vec<ScenarioError>,
}

impl Catalog {
    /// Parses every source; a bad file is reported and skipped, the rest still load.
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = Source<'a>>) -> CatalogLoad {
        let mut load = CatalogLoad::default();
        for source in sources {
            match parse_scenario(source.file, source.text) {
                Ok(scenario) if load.catalog.get(&scenario.id).is_some() => {
                    load.errors.push(ScenarioError {
                        file: source.file.to_owned(),
                        line: 1,
                        column: 1,
                        message: format!("scenario id {:?} is already in the catalog", scenario.id),
                    });
                }
                Ok(scenario) => load.catalog.scenarios.push(scenario),
                Err(errors) => load.errors.extend(errors),
            }
        }
        load.catalog
            .scenarios
            .sort_by(|a, b| (a.skill, a.difficulty, &a.id).cmp(&(b.skill, b.difficulty, &b.id)));
        load
    }

    /// The scenario with this id.
    pub fn get(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|scenario| scenario.id == id)
    }

    /// Every scenario, in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = &Scenario> {
        self.scenarios.iter()
    }

    /// How many scenarios loaded.
    pub fn len(&self) -> usize {
        self.scenarios.len()
    }

    /// Whether no scenario loaded.
    pub fn is_empty(&self) -> bool {
        self.scenarios.is_empty()
    }

    /// The scenarios of one skill, easiest first.
    pub fn of_skill(&self, skill: Skill) -> impl Iterator<Item = &Scenario> {
        self.scenarios.iter().filter(move |scenario| scenario.skill == skill)
    }
}
