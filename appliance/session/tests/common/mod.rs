//! Shared helpers of the engine tests: the shipped catalog, and a coder that returns labels from
//! a list, so that the tests exercise the engine whatever the rule coder does.

#![allow(dead_code, reason = "each test binary uses a different subset of the helpers")]

use std::sync::{Arc, Mutex};

use rapport_coding::{Code, Coder, Context, Label};
use rapport_privacy::SecretText;
use rapport_scenario::{Catalog, Scenario, Source};
use rapport_session::{Event, Session, SessionEvent};

/// Every shipped scenario, read from `scenarios/` at compile time of the test.
pub fn catalog() -> Catalog {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the scenarios folder") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).expect("a readable scenario");
            let name = path.file_name().and_then(|n| n.to_str()).expect("utf-8 name").to_owned();
            sources.push((name, text));
        }
    }
    let load = Catalog::from_sources(
        sources.iter().map(|(file, text)| Source { file: file.as_str(), text: text.as_str() }),
    );
    assert!(load.errors.is_empty(), "shipped scenarios must validate: {:#?}", load.errors);
    load.catalog
}

/// A coder that answers with the next label of its list, round and round.
pub struct ListCoder {
    labels: Vec<Label>,
    next: Mutex<usize>,
    confidence: f32,
}

impl ListCoder {
    pub fn new(labels: &[Label]) -> Arc<Self> {
        Arc::new(Self { labels: labels.to_vec(), next: Mutex::new(0), confidence: 0.9 })
    }
}

impl Coder for ListCoder {
    fn code(&self, _utterance: &str, _context: &Context<'_>) -> Code {
        let mut next = self.next.lock().expect("the lock is never poisoned");
        let label = self.labels[*next % self.labels.len()];
        *next += 1;
        Code { label, confidence: self.confidence }
    }
}

/// The labels of a trainee who practises motivational interviewing well.
pub const GOOD_PRACTICE: [Label; 8] = [
    Label::OpenQuestion,
    Label::ComplexReflection,
    Label::SimpleReflection,
    Label::ComplexReflection,
    Label::Affirm,
    Label::ComplexReflection,
    Label::EmphasizingAutonomy,
    Label::Summary,
];

/// The labels of a trainee who questions, advises and argues.
pub const POOR_PRACTICE: [Label; 4] =
    [Label::ClosedQuestion, Label::Persuade, Label::ClosedQuestion, Label::Confront];

/// The outcome of a session played to its end.
pub struct Played {
    pub events: Vec<SessionEvent>,
    pub turns: u16,
}

/// Plays `scenario` with `coder` until it ends (or `limit` trainee turns, then ends it).
pub fn play(
    scenario: &Scenario,
    coder: Arc<dyn Coder>,
    seed: u64,
    limit: u16,
) -> (Session, Played) {
    let (mut session, mut events) = Session::start(Arc::new(scenario.clone()), coder, seed);
    let mut turns = 0;
    while turns < limit {
        turns += 1;
        let out = session
            .handle(Event::TraineeSaid(SecretText::copy_from("Something the trainee said.")))
            .expect("the conversation is going on");
        let ended = out.iter().any(|e| matches!(e, SessionEvent::Ended { .. }));
        events.extend(out);
        if ended {
            return (session, Played { events, turns });
        }
    }
    events.extend(session.handle(Event::EndRequested).expect("ending"));
    (session, Played { events, turns })
}

/// The summary event's JSON.
pub fn summary_json(events: &[SessionEvent]) -> serde_json::Value {
    let summary = events
        .iter()
        .find(|e| matches!(e, SessionEvent::Summary(_)))
        .expect("a summary at the end");
    serde_json::to_value(summary).expect("the summary serialises")
}
