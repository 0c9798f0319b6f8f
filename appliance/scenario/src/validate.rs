//! From file text to a [`Scenario`]: parsing, then every rule of `scenarios/FORMAT.md`.
//!
//! Validation collects every problem of a file, each with its line, so an author fixes them in
//! one pass.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rapport_coding::Label;
use toml::Spanned;

use crate::error::ScenarioError;
use crate::model::{
    Difficulty, EffectOverride, Fact, Intent, LineGroup, Mood, PatientState, Persona, Portraits,
    Scenario, Skill, StateSpec,
};
use crate::raw::{RawDelta, RawFact, RawLineGroup, RawPortraits, RawScenario, RawState};

/// The only format version this station reads.
const FORMAT_VERSION: i64 = 1;
/// Phrasings a scenario needs in all: about ten minutes of conversation without repeats.
pub const MIN_PHRASINGS: usize = 50;
/// Phrasings each conversational intent needs in each mood (`any` counts for every mood).
pub const MIN_PHRASINGS_PER_MOOD: usize = 2;
/// The least distance between starting progress and the goal: no patient is won over in two turns.
const MIN_GOAL_DISTANCE: i64 = 30;
/// Bounds of a per-behaviour delta.
const DELTA_LIMIT: i64 = 15;
/// Bounds of the turn budget.
const TURNS: Range<i64> = 20..81;
/// Facts a scenario needs.
const MIN_FACTS: usize = 2;

/// Parses and validates one scenario file.
///
/// `file` names the file in error messages and must end in `<id>.toml`.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, Vec<ScenarioError>> {
    let raw: RawScenario = toml::from_str(text).map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        vec![ScenarioError::at(file, text, offset, error.message().trim().to_owned())]
    })?;
    let mut check = Checker { file, text, errors: Vec::new() };
    let scenario = check.scenario(raw);
    if check.errors.is_empty() { Ok(scenario) } else { Err(check.errors) }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<ScenarioError>,
}

impl Checker<'_> {
    fn fail(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push(ScenarioError::at(self.file, self.text, span.start, message));
    }

    fn scenario(&mut self, raw: RawScenario) -> Scenario {
        if *raw.format.get_ref() != FORMAT_VERSION {
            self.fail(
                raw.format.span(),
                format!("unsupported format {}; this station reads format 1", raw.format.get_ref()),
            );
        }
        let id = self.id(&raw.id);
        let title = self.text_field(raw.title, "title", 3..61);
        let skill = Skill::parse(raw.skill.get_ref()).unwrap_or_else(|| {
            self.fail(
                raw.skill.span(),
                format!(
                    "unknown skill {:?}; expected one of {}",
                    raw.skill.get_ref(),
                    Skill::ALL.map(Skill::as_str).join(", ")
                ),
            );
            Skill::MotivationalInterviewing
        });
        let difficulty = Difficulty::new(*raw.difficulty.get_ref()).unwrap_or_else(|| {
            self.fail(raw.difficulty.span(), "difficulty must be from 1 to 5");
            Difficulty::MIN
        });
        let setting = self.text_field(raw.setting, "setting", 3..300);
        let brief = self.text_field(raw.brief, "brief", 20..2000);
        let goals = self.goals(raw.goals);
        let persona = self.persona(raw.persona);
        let state = self.state(raw.state);
        let effects = self.effects(raw.effects);
        let facts = self.facts(raw.facts);
        let lines = self.lines(raw.lines);
        let scenario = Scenario {
            id,
            title,
            skill,
            difficulty,
            setting,
            brief,
            goals,
            persona,
            state,
            effects,
            facts,
            lines,
        };
        self.coverage(&scenario);
        scenario
    }

    fn id(&mut self, id: &Spanned<String>) -> String {
        let value = id.get_ref();
        let is_slug = !value.is_empty()
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !is_slug {
            self.fail(id.span(), format!("id {value:?} must be lowercase letters, digits and '-'"));
        } else {
            let stem = self.file.rsplit(['/', '\\']).next().unwrap_or(self.file);
            let stem = stem.strip_suffix(".toml").unwrap_or(stem);
            if stem != value {
                self.fail(id.span(), format!("id {value:?} must match the file name {stem:?}"));
            }
        }
        value.clone()
    }

    fn text_field(&mut self, field: Spanned<String>, name: &str, length: Range<usize>) -> String {
        let span = field.span();
        let value = field.into_inner();
        let chars = value.trim().chars().count();
        if !length.contains(&chars) {
            self.fail(
                span,
                format!(
                    "{name} must be {} to {} characters, not {chars}",
                    length.start,
                    length.end - 1
                ),
            );
        }
        value.trim().to_owned()
    }

    fn goals(&mut self, goals: Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        let span = goals.span();
        let goals = goals.into_inner();
        if !(1..=6).contains(&goals.len()) {
            self.fail(span, format!("goals must list 1 to 6 goals, not {}", goals.len()));
        }
        goals.into_iter().map(|goal| self.text_field(goal, "a goal", 5..200)).collect()
    }

    fn persona(&mut self, raw: crate::raw::RawPersona) -> Persona {
        let age = self.number(&raw.age, "age", 1..121);
        Persona {
            name: self.text_field(raw.name, "name", 1..80),
            age,
            pronouns: self.text_field(raw.pronouns, "pronouns", 2..30),
            situation: self.text_field(raw.situation, "situation", 20..4000),
            voice: self.text_field(raw.voice, "voice", 3..300),
            portraits: self.portraits(raw.portraits.into_inner()),
        }
    }

    fn portraits(&mut self, raw: RawPortraits) -> Portraits {
        let names = [raw.calm, raw.guarded, raw.distressed, raw.angry, raw.hopeful];
        Portraits(names.map(|name| {
            let value = name.get_ref();
            let is_slug = !value.is_empty()
                && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !is_slug {
                self.fail(
                    name.span(),
                    format!("portrait {value:?} must be lowercase letters, digits and '-'"),
                );
            }
            name.into_inner()
        }))
    }

    /// A number within `range`, reported and clamped when outside it.
    fn number(&mut self, value: &Spanned<i64>, name: &str, range: Range<i64>) -> u8 {
        let n = *value.get_ref();
        if !range.contains(&n) {
            self.fail(
                value.span(),
                format!("{name} must be from {} to {}, not {n}", range.start, range.end - 1),
            );
        }
        u8::try_from(n.clamp(range.start, range.end - 1).clamp(0, 255)).unwrap_or(0)
    }

    fn state(&mut self, raw: Spanned<RawState>) -> StateSpec {
        let raw: RawState = raw.into_inner();
        let initial = PatientState {
            rapport: self.number(&raw.rapport, "rapport", 0..101),
            resistance: self.number(&raw.resistance, "resistance", 0..101),
            progress: self.number(&raw.progress, "progress", 0..101),
        };
        let goal = self.number(&raw.goal, "goal", 1..101);
        if *raw.goal.get_ref() < *raw.progress.get_ref() + MIN_GOAL_DISTANCE {
            self.fail(
                raw.goal.span(),
                format!(
                    "goal must be at least {MIN_GOAL_DISTANCE} above the starting progress ({}), \
                     or the patient is won over in a few turns",
                    raw.progress.get_ref()
                ),
            );
        }
        let walkout = raw.walkout.as_ref().map(|walkout| {
            if *walkout.get_ref() <= *raw.resistance.get_ref() {
                self.fail(
                    walkout.span(),
                    "walkout must be above the starting resistance, or the patient leaves at once",
                );
            }
            self.number(walkout, "walkout", 1..101)
        });
        let max_turns = *raw.max_turns.get_ref();
        if !TURNS.contains(&max_turns) {
            self.fail(
                raw.max_turns.span(),
                format!("max_turns must be from {} to {}", TURNS.start, TURNS.end - 1),
            );
        }
        StateSpec {
            progress_name: self.text_field(raw.progress_name, "progress_name", 3..60),
            initial,
            goal,
            walkout,
            max_turns: u16::try_from(max_turns.clamp(TURNS.start, TURNS.end - 1)).unwrap_or(40),
        }
    }

    fn delta_part(&mut self, value: Option<&Spanned<i64>>) -> Option<i8> {
        let value = value?;
        let n = *value.get_ref();
        if !(-DELTA_LIMIT..=DELTA_LIMIT).contains(&n) {
            self.fail(
                value.span(),
                format!("an effect must be from -{DELTA_LIMIT} to {DELTA_LIMIT}, not {n}"),
            );
        }
        i8::try_from(n.clamp(-DELTA_LIMIT, DELTA_LIMIT)).ok()
    }

    fn effects(
        &mut self,
        raw: BTreeMap<String, Spanned<RawDelta>>,
    ) -> BTreeMap<Label, EffectOverride> {
        let mut effects = BTreeMap::new();
        for (name, delta) in raw {
            let span = delta.span();
            let delta: RawDelta = delta.into_inner();
            let value = EffectOverride {
                rapport: self.delta_part(delta.rapport.as_ref()),
                resistance: self.delta_part(delta.resistance.as_ref()),
                progress: self.delta_part(delta.progress.as_ref()),
            };
            match Label::parse(&name) {
                Some(label) => {
                    effects.insert(label, value);
                }
                None => self.fail(
                    span,
                    format!(
                        "unknown behaviour {name:?} in [effects]; expected one of {}",
                        Label::ALL.map(Label::as_str).join(", ")
                    ),
                ),
            }
        }
        effects
    }

    fn topics(&mut self, topics: Vec<Spanned<String>>) -> Vec<String> {
        topics
            .into_iter()
            .map(|topic| {
                let value = topic.get_ref();
                let words_only =
                    value.chars().all(|c| c.is_lowercase() || c == ' ' || c == '-' || c == '\'');
                if value.trim().is_empty() || !words_only || value.trim() != value {
                    self.fail(
                        topic.span(),
                        format!(
                            "topic {value:?} must be lowercase words (letters, '-', '\'', spaces)"
                        ),
                    );
                }
                topic.into_inner()
            })
            .collect()
    }

    fn phrasings(&mut self, text: Spanned<Vec<Spanned<String>>>) -> Vec<String> {
        let span = text.span();
        let text = text.into_inner();
        if text.is_empty() {
            self.fail(span, "text needs at least one phrasing");
        }
        let mut seen = BTreeSet::new();
        text.into_iter()
            .map(|phrasing| {
                let value = phrasing.get_ref().trim();
                if value.is_empty() {
                    self.fail(phrasing.span(), "a phrasing is empty");
                } else if !seen.insert(value.to_owned()) {
                    self.fail(phrasing.span(), "this phrasing is repeated");
                }
                value.to_owned()
            })
            .collect()
    }

    fn facts(&mut self, raw: Vec<Spanned<RawFact>>) -> Vec<Fact> {
        let mut ids = BTreeSet::new();
        raw.into_iter()
            .map(|fact| {
                let fact: RawFact = fact.into_inner();
                let id = fact.id.get_ref().clone();
                if !ids.insert(id.clone()) {
                    self.fail(fact.id.span(), format!("fact {id:?} is defined twice"));
                }
                let min_rapport = self.number(&fact.rapport, "a fact's rapport", 0..101);
                if min_rapport > 95 {
                    self.fail(fact.rapport.span(), "a fact needing rapport above 95 is never said");
                }
                let open_questions = *fact.open_questions.get_ref();
                if !(0..=20).contains(&open_questions) {
                    self.fail(fact.open_questions.span(), "open_questions must be from 0 to 20");
                }
                Fact {
                    id,
                    min_rapport,
                    min_open_questions: u16::try_from(open_questions.clamp(0, 20)).unwrap_or(0),
                    topics: self.topics(fact.topics),
                    text: self.phrasings(fact.text),
                }
            })
            .collect()
    }

    fn lines(&mut self, raw: Vec<Spanned<RawLineGroup>>) -> Vec<LineGroup> {
        raw.into_iter()
            .filter_map(|group| {
                let group: RawLineGroup = group.into_inner();
                let intent = Intent::parse(group.intent.get_ref());
                if intent.is_none() {
                    self.fail(
                        group.intent.span(),
                        format!(
                            "unknown intent {:?}; expected one of {}",
                            group.intent.get_ref(),
                            Intent::ALL.map(Intent::as_str).join(", ")
                        ),
                    );
                }
                let mood = match group.mood.get_ref().as_str() {
                    "any" => Some(None),
                    name => Mood::ALL.into_iter().find(|m| m.as_str() == name).map(Some),
                };
                if mood.is_none() {
                    self.fail(
                        group.mood.span(),
                        format!(
                            "unknown mood {:?}; expected guarded, neutral, open or any",
                            group.mood.get_ref()
                        ),
                    );
                }
                let topics = self.topics(group.topics);
                let text = self.phrasings(group.text);
                Some(LineGroup { intent: intent?, mood: mood?, topics, text })
            })
            .collect()
    }

    /// Enough to say in every situation the engine can reach.
    fn coverage(&mut self, scenario: &Scenario) {
        let end = self.text.len();
        for intent in Intent::ALL {
            if intent.is_bookend() {
                let count: usize = scenario
                    .lines
                    .iter()
                    .filter(|g| g.intent == intent)
                    .map(|g| g.text.len())
                    .sum();
                if count < MIN_PHRASINGS_PER_MOOD {
                    self.fail(
                        end..end,
                        format!(
                            "intent {:?} needs at least {MIN_PHRASINGS_PER_MOOD} phrasings, has {count}",
                            intent.as_str()
                        ),
                    );
                }
                continue;
            }
            for mood in Mood::ALL {
                let count: usize = scenario.lines_for(intent, mood).map(|g| g.text.len()).sum();
                if count < MIN_PHRASINGS_PER_MOOD {
                    self.fail(
                        end..end,
                        format!(
                            "intent {:?} needs at least {MIN_PHRASINGS_PER_MOOD} phrasings for mood \
                             {:?} (lines with mood \"any\" count), has {count}",
                            intent.as_str(),
                            mood.as_str()
                        ),
                    );
                }
            }
        }
        if scenario.facts.len() < MIN_FACTS {
            self.fail(
                end..end,
                format!(
                    "a scenario needs at least {MIN_FACTS} [[facts]], has {}",
                    scenario.facts.len()
                ),
            );
        }
        let total = scenario.phrasing_count();
        if total < MIN_PHRASINGS {
            self.fail(
                end..end,
                format!(
                    "a scenario needs at least {MIN_PHRASINGS} phrasings for a ten-minute \
                     conversation, has {total}"
                ),
            );
        }
    }
}
