//! Validation of scenario files: every shipped scenario passes, and each kind of mistake gets an
//! error naming the file, the line and what is wrong, while the rest of a catalog still loads.

use rapport_coding::Label;
use rapport_scenario::{
    Catalog, Delta, Intent, MIN_PHRASINGS, Mood, Skill, Source, parse_scenario,
};

const DEFAULT: &str = include_str!("../../../scenarios/alcohol-weekend.toml");
const FILE: &str = "alcohol-weekend.toml";

fn shipped() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the scenarios folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).expect("utf-8").to_owned();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// The errors of the default scenario with `from` replaced by `to`.
fn errors_after(from: &str, to: &str) -> Vec<String> {
    assert!(DEFAULT.contains(from), "the test relies on {from:?}");
    match parse_scenario(FILE, &DEFAULT.replacen(from, to, 1)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn line_of(needle: &str) -> usize {
    DEFAULT.lines().position(|l| l.contains(needle)).expect("needle in the default scenario") + 1
}

#[test]
fn the_shipped_catalog_is_complete_and_valid() {
    let files = shipped();
    let load = Catalog::from_sources(
        files.iter().map(|(file, text)| Source { file: file.as_str(), text: text.as_str() }),
    );
    assert!(load.errors.is_empty(), "{:#?}", load.errors);
    let catalog = load.catalog;
    assert!(catalog.len() >= 8, "at least 8 scenarios");
    for skill in Skill::ALL {
        assert!(catalog.of_skill(skill).next().is_some(), "no scenario for {skill}");
    }
    for level in 1..=5 {
        assert!(catalog.iter().any(|s| s.difficulty.level() == level), "no level {level}");
    }
    for scenario in catalog.iter() {
        assert!(scenario.phrasing_count() >= MIN_PHRASINGS, "{}", scenario.id);
        assert!(scenario.facts.len() >= 2, "{}", scenario.id);
        for intent in Intent::ALL.into_iter().filter(|i| !i.is_bookend()) {
            for mood in Mood::ALL {
                assert!(
                    scenario.lines_for(intent, mood).next().is_some(),
                    "{} {intent:?}",
                    scenario.id
                );
            }
        }
    }
}

#[test]
fn the_default_scenario_reads_as_written() {
    let scenario = parse_scenario(FILE, DEFAULT).expect("valid");
    assert_eq!(scenario.id, "alcohol-weekend");
    assert_eq!(scenario.skill, Skill::MotivationalInterviewing);
    assert_eq!(scenario.difficulty.level(), 1);
    assert_eq!(scenario.persona.age, 44);
    assert!(scenario.state.goal >= scenario.state.initial.progress + 30);
    let affirm = scenario.effects.get(&Label::Affirm).expect("an affirm override");
    assert_eq!(affirm.rapport, Some(6));
}

#[test]
fn a_partial_effect_keeps_the_other_defaults() {
    let text = DEFAULT.replacen(
        "affirm = { rapport = 6, resistance = -3, progress = 2 }",
        "affirm = { rapport = 6 }",
        1,
    );
    let scenario = parse_scenario(FILE, &text).expect("valid");
    let default = Delta { rapport: 1, resistance: 2, progress: 3 };
    let merged = scenario.effects[&Label::Affirm].over(default);
    assert_eq!(merged, Delta { rapport: 6, resistance: 2, progress: 3 });
}

#[test]
fn each_mistake_is_located_and_explained() {
    let cases: [(&str, &str, &str, &str); 9] = [
        ("difficulty = 1", "difficulty = 0", "difficulty = 1", "difficulty must be from 1 to 5"),
        (
            "skill = \"motivational_interviewing\"",
            "skill = \"hypnosis\"",
            "skill =",
            "unknown skill \"hypnosis\"",
        ),
        ("rapport = 45", "rapport = 450", "rapport = 45", "rapport must be from 0 to 100, not 450"),
        ("goal = 70", "goal = 40", "goal = 70", "goal must be at least 30 above"),
        (
            "walkout = 90",
            "walkout = 20",
            "walkout = 90",
            "walkout must be above the starting resistance",
        ),
        ("max_turns = 38", "max_turns = 5", "max_turns = 38", "max_turns must be from 20 to 80"),
        ("format = 1", "format = 2", "format = 1", "unsupported format 2"),
        (
            "id = \"alcohol-weekend\"",
            "id = \"Alcohol Weekend\"",
            "id = \"alcohol-weekend\"",
            "must be lowercase letters, digits and '-'",
        ),
        ("age = 44", "age = \"forty\"", "age = 44", "invalid type"),
    ];
    for (from, to, needle, message) in cases {
        let errors = errors_after(from, to);
        let prefix = format!("{FILE}:{}:", line_of(needle));
        assert!(
            errors.iter().any(|e| e.starts_with(&prefix) && e.contains(message)),
            "{from:?} -> {to:?}: expected {prefix} ... {message}, got {errors:#?}"
        );
    }
}

#[test]
fn unknown_keys_and_missing_keys_are_errors() {
    let errors = errors_after("setting = ", "colour = \"blue\"\nsetting = ");
    assert!(errors.iter().any(|e| e.contains("unknown field `colour`")), "{errors:#?}");
    let errors = errors_after("pronouns = \"he/him\"\n", "");
    assert!(errors.iter().any(|e| e.contains("missing field `pronouns`")), "{errors:#?}");
    let errors = errors_after("persuade = {", "lecture = {");
    assert!(errors.iter().any(|e| e.contains("unknown behaviour \"lecture\"")), "{errors:#?}");
}

#[test]
fn thin_scenarios_are_refused_with_every_gap_named() {
    // Keep the header and the facts, drop every line group.
    let cut = DEFAULT.find("[[lines]]").expect("line groups");
    let errors = match parse_scenario(FILE, &DEFAULT[..cut]) {
        Ok(_) => panic!("a scenario without lines must not validate"),
        Err(errors) => errors,
    };
    let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
    assert!(
        messages.iter().any(|m| m.contains("intent \"answer_open\"") && m.contains("\"guarded\""))
    );
    assert!(messages.iter().any(|m| m.contains("intent \"opening\" needs at least 2")));
    assert!(messages.iter().any(|m| m.contains("at least 50 phrasings")));
    // Several problems are reported in one pass.
    assert!(errors.len() > 10, "{messages:#?}");
}

#[test]
fn repeated_and_empty_phrasings_are_errors() {
    let marker = "text = [\n";
    let at = DEFAULT.rfind(marker).expect("a text array") + marker.len();
    let mut text = DEFAULT.to_owned();
    text.insert_str(at, "  \"   \",\n  \"Same line.\",\n  \"Same line.\",\n");
    let errors = parse_scenario(FILE, &text).expect_err("invalid");
    assert!(errors.iter().any(|e| e.message == "a phrasing is empty"));
    assert!(errors.iter().any(|e| e.message == "this phrasing is repeated"));
}

#[test]
fn a_bad_file_does_not_stop_the_catalog() {
    let broken = DEFAULT.replacen("id = \"alcohol-weekend\"", "id = \"broken\"", 1);
    let broken = broken.replacen("difficulty = 1", "difficulty = 7", 1);
    let duplicate = DEFAULT;
    let load = Catalog::from_sources([
        Source { file: FILE, text: DEFAULT },
        Source { file: "broken.toml", text: &broken },
        Source { file: "not toml.toml", text: "this is [not toml" },
        Source { file: "copy/alcohol-weekend.toml", text: duplicate },
    ]);
    assert_eq!(load.catalog.len(), 1);
    let errors: Vec<String> = load.errors.iter().map(ToString::to_string).collect();
    assert!(errors.iter().any(|e| e.starts_with("broken.toml:") && e.contains("difficulty")));
    assert!(errors.iter().any(|e| e.starts_with("not toml.toml:1:")));
    assert!(errors.iter().any(|e| e.contains("already in the catalog")), "{errors:#?}");
}
