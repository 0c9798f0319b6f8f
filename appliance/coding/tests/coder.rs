//! The rule coder against a table of realistic trainee utterances (`examples.tsv`), and the
//! properties every coder must keep: labels round-trip, confidence stays in range, and no input
//! makes it panic.

use rapport_coding::{Code, Coder, Context, Label, MainBehaviour, RuleCoder, UNCERTAIN_BELOW};

/// One row of `examples.tsv`.
struct Example<'a> {
    line: usize,
    label: Label,
    permission: bool,
    previous: Option<&'a str>,
    text: &'a str,
}

fn examples() -> Vec<Example<'static>> {
    include_str!("examples.tsv")
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [label, flags, previous, text] = fields[..] else {
                panic!("examples.tsv:{}: expected 4 tab-separated fields", i + 1);
            };
            Example {
                line: i + 1,
                label: Label::parse(label)
                    .unwrap_or_else(|| panic!("examples.tsv:{}: unknown label {label}", i + 1)),
                permission: flags == "permission",
                previous: (previous != "-").then_some(previous),
                text,
            }
        })
        .collect()
}

fn code(text: &str, previous: Option<&str>, permission_granted: bool) -> Code {
    RuleCoder::new().code(text, &Context { previous_patient: previous, permission_granted })
}

#[test]
fn the_table_is_coded_as_an_mi_coder_would() {
    let examples = examples();
    assert!(examples.len() >= 60, "the table should stay large: {}", examples.len());
    for label in Label::ALL {
        assert!(examples.iter().any(|e| e.label == label), "no example for {label}");
    }
    let wrong: Vec<String> = examples
        .iter()
        .filter_map(|e| {
            let got = code(e.text, e.previous, e.permission);
            assert!((0.0..=1.0).contains(&got.confidence), "line {}: {got:?}", e.line);
            (got.label != e.label).then(|| {
                format!(
                    "examples.tsv:{}: want {}, got {} ({:.2})",
                    e.line, e.label, got.label, got.confidence
                )
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{} of {} wrong:\n{}", wrong.len(), examples.len(), wrong.join("\n"));
}

#[test]
fn repeating_the_patient_is_simple_adding_to_them_is_complex() {
    let reflection = "You're not sure the tablets are working.";
    let echoed = code(reflection, Some("I'm not sure the tablets are working."), false);
    assert_eq!(echoed.label, Label::SimpleReflection);
    let added = code(reflection, Some("My wife says I'm being lazy about the gym."), false);
    assert_eq!(added.label, Label::ComplexReflection);

    // A feeling the patient named is repeated; one they did not name is added.
    let reflection = "You're scared about what the scan will show.";
    assert_eq!(
        code(reflection, Some("I'm scared about what the scan will show."), false).label,
        Label::SimpleReflection
    );
    assert_eq!(
        code(reflection, Some("The scan is on Friday."), false).label,
        Label::ComplexReflection
    );
}

#[test]
fn permission_turns_advice_into_advice_with_permission() {
    let advice = "You should cut down to three drinks a night.";
    assert_eq!(code(advice, None, false).label, Label::Persuade);
    assert_eq!(code(advice, None, true).label, Label::PersuadeWithPermission);
    // Permission does not change what is not advice.
    assert_eq!(code("What else?", None, true).label, Label::OpenQuestion);
    assert_eq!(
        code("The guidelines recommend no more than fourteen units a week.", None, true).label,
        Label::GivingInformation
    );
}

#[test]
fn a_rising_reflection_is_a_less_certain_reflection() {
    let flat = code("So you feel stuck.", None, false);
    let rising = code("So you feel stuck?", None, false);
    assert!(flat.label.is_reflection() && rising.label.is_reflection(), "{flat:?} {rising:?}");
    assert!(rising.confidence < flat.confidence);
}

#[test]
fn labels_round_trip_through_their_names() {
    for label in Label::ALL {
        assert_eq!(Label::parse(label.as_str()), Some(label));
        assert_eq!(label.to_string(), label.as_str());
        let json = serde_json::to_string(&label).expect("a label serializes");
        assert_eq!(json, format!("\"{}\"", label.as_str()));
        assert_eq!(serde_json::from_str::<Label>(&json).expect("a label deserializes"), label);
        assert!(!label.display_name().is_empty());
    }
    assert_eq!(Label::parse("Open_Question"), None);
    assert_eq!(Label::parse(""), None);
    assert_eq!(Label::ALL.len(), 13);
    let mut sorted = Label::ALL;
    sorted.sort();
    assert_eq!(sorted, Label::ALL, "ALL is in declaration order");
    assert_eq!(Label::Persuade.display_name(), "Advice without permission");
    assert_eq!(Label::PersuadeWithPermission.display_name(), "Advice with permission");
    for main in MainBehaviour::ALL {
        assert_eq!(MainBehaviour::parse(main.as_str()), Some(main));
        assert_eq!(
            serde_json::to_string(&main).expect("a main behaviour serializes"),
            format!("\"{}\"", main.as_str())
        );
    }
}

#[test]
fn main_behaviours_and_families() {
    use Label::*;
    use MainBehaviour as M;
    let expected = [
        (OpenQuestion, M::Question),
        (ClosedQuestion, M::Question),
        (SimpleReflection, M::Reflection),
        (ComplexReflection, M::Reflection),
        (Affirm, M::Other),
        (Summary, M::Reflection),
        (SeekingCollaboration, M::Other),
        (EmphasizingAutonomy, M::Other),
        (GivingInformation, M::Input),
        (PersuadeWithPermission, M::Input),
        (Persuade, M::Input),
        (Confront, M::Other),
        (Other, M::Other),
    ];
    assert_eq!(expected.map(|(label, _)| label), Label::ALL);
    for (label, main) in expected {
        assert_eq!(label.main(), main, "{label}");
    }
    let which = |f: fn(Label) -> bool| Label::ALL.into_iter().filter(|&l| f(l)).collect::<Vec<_>>();
    assert_eq!(which(Label::is_question), [OpenQuestion, ClosedQuestion]);
    assert_eq!(which(Label::is_reflection), [SimpleReflection, ComplexReflection]);
    assert_eq!(which(Label::is_mi_adherent), [Affirm, SeekingCollaboration, EmphasizingAutonomy]);
    assert_eq!(which(Label::is_mi_non_adherent), [Persuade, Confront]);
}

#[test]
fn uncertain_below_the_threshold() {
    let at = |confidence| Code { label: Label::Other, confidence }.uncertain();
    assert!(at(0.0));
    assert!(at(UNCERTAIN_BELOW - 0.01));
    assert!(!at(UNCERTAIN_BELOW));
    assert!(!at(1.0));
    assert!(at(f32::NAN));
    assert_eq!(Code::new(Label::Other, 7.0).confidence, 1.0);
    assert_eq!(Code::new(Label::Other, -1.0).confidence, 0.0);
    assert_eq!(Code::new(Label::Other, f32::NAN).confidence, 0.0);
    // With no cue at all the coder says so.
    assert!(code("The car park was full this morning.", None, false).uncertain());
    assert!(!code("What brings you in today?", None, false).uncertain());
}

#[test]
fn no_input_makes_it_panic_and_confidence_stays_in_range() {
    let long_text = "You said the drinking helps you sleep, and ".repeat(250);
    let long_word = "a".repeat(10_000);
    let long_unicode = "é🙂ß\u{301}".repeat(2_000);
    let inputs: Vec<&str> = vec![
        "",
        " ",
        "\t\n\r  ",
        "?",
        "?!?!...,,,;;--",
        "...",
        "'''",
        "-",
        "- -- - -",
        "🙂🙂🙂",
        "🍺? 🚬!",
        "مرحبا كيف حالك",
        "你好吗？",
        "ÇA VA? İSTANBUL",
        "\u{0}\u{1}\u{7f}",
        "\u{200b}\u{feff}",
        "e\u{301}\u{301}\u{301}",
        "you you you you you",
        "so so so so so",
        "you're're're",
        "n't 's 're 'll",
        "it's-it's-it's-",
        "whe-when-wh-",
        "3.5.7.9",
        "1.2.",
        "so you feel stuck",
        "what do you think you should do about the drinking",
        "let me summarize",
        "YOU NEED TO STOP DRINKING",
        &long_text,
        &long_word,
        &long_unicode,
    ];
    let coder = RuleCoder::new();
    for input in &inputs {
        for previous in [None, Some(""), Some("🙂"), Some(long_text.as_str()), Some(*input)] {
            for permission_granted in [false, true] {
                let got =
                    coder.code(input, &Context { previous_patient: previous, permission_granted });
                assert!(
                    (0.0..=1.0).contains(&got.confidence),
                    "{got:?} for input of {} bytes",
                    input.len()
                );
            }
        }
    }
    let empty = coder.code("", &Context::default());
    assert_eq!(empty.label, Label::Other);
    assert!(empty.uncertain());
}

#[test]
fn unpunctuated_speech_is_coded_like_written_text() {
    let pairs = [
        ("What brings you in today?", "what brings you in today"),
        ("Do you smoke in the house?", "do you smoke in the house"),
        ("You need to stop drinking.", "you need to stop drinking"),
        ("It sounds like you feel trapped.", "it sounds like you feel trapped"),
        ("Okay. So what would help?", "okay so what would help"),
    ];
    for (written, spoken) in pairs {
        assert_eq!(code(written, None, false).label, code(spoken, None, false).label, "{spoken}");
    }
}

#[test]
fn coders_are_shareable_and_hold_no_text() {
    fn shareable<T: Send + Sync + Clone + Default + std::fmt::Debug>() {}
    shareable::<RuleCoder>();
    let boxed: Box<dyn Coder> = Box::new(RuleCoder::new());
    let _ = boxed.code("Okay.", &Context::default());
    // A context's Debug shows the length of the patient's line, never the line.
    let secret = "my neighbour Bob sells me pills";
    let shown =
        format!("{:?}", Context { previous_patient: Some(secret), permission_granted: false });
    assert!(!shown.contains("Bob"), "{shown}");
}
