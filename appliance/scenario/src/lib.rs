//! Scenarios: the simulated patients a trainee can practise with, and the file format they are
//! written in (`scenarios/FORMAT.md`).
//!
//! This crate parses and validates scenario text; it does no I/O. The station reads the files and
//! hands their text to [`Catalog::from_sources`], which loads every valid scenario and reports each
//! bad one with its file, line and reason.

mod catalog;
mod error;
mod model;
mod raw;
mod validate;

pub use catalog::{Catalog, CatalogLoad, Source};
pub use error::ScenarioError;
pub use model::{
    Affect, Delta, Difficulty, EffectOverride, Fact, Intent, LineGroup, Mood, PatientState,
    Persona, Portraits, Scenario, Skill, StateSpec,
};
pub use validate::{MIN_PHRASINGS, MIN_PHRASINGS_PER_MOOD, parse_scenario};
