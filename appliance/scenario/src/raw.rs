//! The scenario file as written, with the position of every value, before validation.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub format: Spanned<i64>,
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub skill: Spanned<String>,
    pub difficulty: Spanned<i64>,
    pub setting: Spanned<String>,
    pub brief: Spanned<String>,
    pub goals: Spanned<Vec<Spanned<String>>>,
    pub persona: RawPersona,
    pub state: Spanned<RawState>,
    #[serde(default)]
    pub effects: BTreeMap<String, Spanned<RawDelta>>,
    #[serde(default)]
    pub facts: Vec<Spanned<RawFact>>,
    #[serde(default)]
    pub lines: Vec<Spanned<RawLineGroup>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPersona {
    pub name: Spanned<String>,
    pub age: Spanned<i64>,
    pub pronouns: Spanned<String>,
    pub situation: Spanned<String>,
    pub voice: Spanned<String>,
    pub portraits: Spanned<RawPortraits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPortraits {
    pub calm: Spanned<String>,
    pub guarded: Spanned<String>,
    pub distressed: Spanned<String>,
    pub angry: Spanned<String>,
    pub hopeful: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawState {
    pub progress_name: Spanned<String>,
    pub rapport: Spanned<i64>,
    pub resistance: Spanned<i64>,
    pub progress: Spanned<i64>,
    pub goal: Spanned<i64>,
    pub walkout: Option<Spanned<i64>>,
    pub max_turns: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDelta {
    pub rapport: Option<Spanned<i64>>,
    pub resistance: Option<Spanned<i64>>,
    pub progress: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFact {
    pub id: Spanned<String>,
    pub rapport: Spanned<i64>,
    pub open_questions: Spanned<i64>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    pub text: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLineGroup {
    pub intent: Spanned<String>,
    pub mood: Spanned<String>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    pub text: Spanned<Vec<Spanned<String>>>,
}
