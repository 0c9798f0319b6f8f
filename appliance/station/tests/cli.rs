//! The `rapport` binary driven as tests, benchmarks and outside evaluations drive it: scenario
//! checks, scripted sessions (with a golden transcript), batch coding, the demo, and the errors a
//! person gets for bad arguments and bad files.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn rapport() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command.env_remove("RAPPORT_LOG");
    command
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(command: &mut Command) -> Output {
    command.output().expect("the rapport binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// The events of `script` played against `scenario`, one JSON value per line.
fn events_of(scenario: &str, script: &str, seed: u64) -> Vec<serde_json::Value> {
    let output = run(rapport()
        .args(["session", "--scenario", scenario, "--seed", &seed.to_string(), "--script"])
        .arg(repo().join("tests/scripts").join(script)));
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is one JSON object"))
        .collect()
}

fn scripted(script: &str, seed: u64) -> Vec<serde_json::Value> {
    events_of("alcohol-weekend", script, seed)
}

fn summary(events: &[serde_json::Value]) -> &serde_json::Value {
    events.iter().find(|e| e["event"] == "summary").expect("a summary event")
}

#[test]
fn the_builtin_and_shipped_catalogs_validate() {
    let output = run(rapport().args(["scenarios", "check"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let shipped = std::fs::read_dir(repo().join("scenarios"))
        .expect("the scenarios folder")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml")))
        .count();
    assert!(shipped >= 8);
    assert_eq!(stdout(&output).trim(), format!("{shipped} scenarios valid"));

    let output = run(rapport().args(["scenarios", "check"]).arg(repo().join("scenarios")));
    assert!(output.status.success(), "{}", stderr(&output));

    let output = run(rapport().args(["scenarios", "list"]));
    assert!(output.status.success());
    let listing = stdout(&output);
    for skill in
        ["Motivational interviewing", "Empathic response", "Breaking bad news", "De-escalation"]
    {
        assert!(listing.contains(skill), "{listing}");
    }
    for level in 1..=5 {
        assert!(listing.contains(&format!("level {level}")), "no level {level}: {listing}");
    }
}

/// Writes `alcohol-weekend.toml` into `dir` under `name`, with `from` replaced by `to`.
fn broken_copy(dir: &Path, name: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(repo().join("scenarios/alcohol-weekend.toml"))
        .expect("the default scenario");
    let id = name.trim_end_matches(".toml");
    let text = text.replacen("id = \"alcohol-weekend\"", &format!("id = \"{id}\""), 1);
    assert!(text.contains(from), "the fixture relies on {from:?}");
    std::fs::write(dir.join(name), text.replacen(from, to, 1)).expect("writing a fixture");
}

#[test]
fn broken_files_get_file_and_line_errors_and_the_rest_still_loads() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    broken_copy(dir.path(), "alcohol-weekend.toml", "", "");
    broken_copy(dir.path(), "bad-difficulty.toml", "difficulty = 1", "difficulty = 9");
    broken_copy(dir.path(), "bad-syntax.toml", "goal = 70", "goal = = 70");
    broken_copy(dir.path(), "bad-intent.toml", "intent = \"unclear\"", "intent = \"mumble\"");
    broken_copy(dir.path(), "bad-goal.toml", "goal = 70", "goal = 30");
    broken_copy(dir.path(), "bad-effect.toml", "affirm = { rapport = 6", "affirm = { rapport = 60");
    broken_copy(dir.path(), "wrong-name.toml", "id = \"wrong-name\"", "id = \"right-name\"");
    std::fs::write(dir.path().join("bad-utf8.toml"), b"id = \"\xff\"\n").expect("writing");

    let output = run(rapport().args(["scenarios", "check"]).arg(dir.path()));
    assert_eq!(output.status.code(), Some(1));
    let errors = stderr(&output);
    let line_of = |file: &str, needle: &str| {
        let text = std::fs::read_to_string(dir.path().join(file)).expect("fixture");
        text.lines().position(|l| l.contains(needle)).expect("needle in fixture") + 1
    };
    let expect = |file: &str, needle: &str, message: &str| {
        let prefix = format!("{}:{}:", dir.path().join(file).display(), line_of(file, needle));
        assert!(
            errors.lines().any(|l| l.starts_with(&prefix) && l.contains(message)),
            "expected {prefix} ... {message} in:\n{errors}"
        );
    };
    expect("bad-difficulty.toml", "difficulty = 9", "difficulty must be from 1 to 5");
    expect("bad-syntax.toml", "goal = = 70", "");
    expect("bad-intent.toml", "\"mumble\"", "unknown intent \"mumble\"");
    expect("bad-goal.toml", "goal = 30", "goal must be at least 30 above");
    expect("bad-effect.toml", "rapport = 60", "an effect must be from -15 to 15");
    expect("wrong-name.toml", "id = \"right-name\"", "must match the file name");
    assert!(errors.contains("bad-utf8.toml:1:1: cannot read the file"), "{errors}");
    let summary = stdout(&output);
    assert!(summary.starts_with("1 scenarios valid, "), "{summary}");

    // A session still runs from the good file of a folder with bad ones.
    let script = dir.path().join("script.txt");
    std::fs::write(&script, "How have you been?\n").expect("writing");
    let output = run(rapport()
        .args(["session", "--scenario", "alcohol-weekend", "--seed", "1", "--scenarios"])
        .arg(dir.path())
        .arg("--script")
        .arg(&script));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: skipped"));
}

#[test]
fn a_scripted_session_matches_its_golden_transcript() {
    let golden_path = repo().join("tests/golden/alcohol-good-mi.seed1.jsonl");
    let output = run(rapport()
        .args(["session", "--scenario", "alcohol-weekend", "--seed", "1", "--script"])
        .arg(repo().join("tests/scripts/alcohol-good-mi.txt")));
    assert!(output.status.success(), "{}", stderr(&output));
    let actual = stdout(&output);
    if std::env::var_os("RAPPORT_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &actual).expect("writing the golden file");
    }
    let golden = std::fs::read_to_string(&golden_path)
        .expect("the golden file (RAPPORT_UPDATE_GOLDEN=1 writes it)");
    for (number, (got, want)) in actual.lines().zip(golden.lines()).enumerate() {
        assert_eq!(
            got,
            want,
            "line {} of the transcript changed; review, then RAPPORT_UPDATE_GOLDEN=1",
            number + 1
        );
    }
    assert_eq!(actual.lines().count(), golden.lines().count(), "the transcript's length changed");
}

#[test]
fn good_practice_rates_fair_or_better_and_poor_practice_below() {
    for seed in 1..=3 {
        let good = scripted("alcohol-good-mi.txt", seed);
        let poor = scripted("alcohol-poor-mi.txt", seed);
        let (good, poor) = (summary(&good), summary(&poor));
        assert!(matches!(good["rating"].as_str(), Some("fair" | "good")), "{good}");
        assert_eq!(poor["rating"], "below_fair", "{poor}");
        assert!(good["reflection_to_question"].as_f64() >= Some(1.0));
        assert!(poor["mi_non_adherent"].as_u64() >= Some(4), "{poor}");
        // The patient moved accordingly.
        let (g, p) = (&good["patient"], &poor["patient"]);
        assert!(g["progress"].as_u64() > p["progress"].as_u64(), "{g} vs {p}");
        assert!(g["rapport"].as_u64() > p["rapport"].as_u64(), "{g} vs {p}");
        assert!(g["resistance"].as_u64() < p["resistance"].as_u64(), "{g} vs {p}");
        assert!(p["resistance"].as_u64() > Some(30), "resistance rose from its start: {p}");
        assert!(g["progress"].as_u64() > Some(20), "progress rose from its start: {g}");
    }
}

#[test]
fn scripted_events_are_json_lines_ending_in_summary_then_wipe() {
    let events = scripted("alcohol-good-mi.txt", 4);
    assert_eq!(events.first().map(|e| &e["event"]), Some(&serde_json::json!("patient")));
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(kinds[kinds.len() - 2..], ["summary", "wiped"]);
    for kind in ["trainee", "code", "state", "gauges"] {
        assert!(kinds.contains(&kind), "no {kind} event");
    }
    for code in events.iter().filter(|e| e["event"] == "code") {
        let confidence = code["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&confidence));
        assert!(code["uncertain"].is_boolean());
    }
}

/// `rapport code`, with its stdin and stdout piped to the test.
fn code_child() -> std::process::Child {
    rapport()
        .arg("code")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rapport code starts")
}

#[test]
fn batch_coding_answers_every_line_and_survives_garbage() {
    let mut child = code_child();
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(
            concat!(
                "{\"text\": \"How do you feel about your drinking?\"}\n",
                "{\"text\": \"It sounds like you're worried about your kids.\", \"previous\": \"I don't want them to see me like that.\"}\n",
                "\u{1}\u{2}garbage\n",
                "{\"text\": \"You need to stop smoking.\"}\n",
            )
            .as_bytes(),
        )
        .expect("writing stdin");
    drop(stdin);
    let output = child.wait_with_output().expect("rapport code ends");
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["fine"], "open_question");
    assert_eq!(lines[1]["main"], "reflection");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[3]["fine"], "persuade");
}

#[test]
fn the_spoken_demo_hears_the_recording_and_plays_a_whole_session() {
    let output = run(rapport().arg("demo"));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    // Every line of the recording is heard as one utterance and coded.
    let heard = text.lines().filter(|line| line.starts_with("You: ")).count();
    assert!(heard >= 18, "{heard} utterances heard: {text}");
    assert!(text.contains("(heard in "), "{text}");
    assert!(text.contains("Patient ("), "{text}");
    assert!(text.contains("== Summary: "), "{text}");
    assert!(text.contains("Session wiped"), "{text}");
    assert!(!text.contains("== Summary: below fair"), "the demo shows good practice: {text}");
}

#[test]
fn the_typed_demo_plays_a_whole_session_and_wipes_it() {
    let output = run(rapport().args(["demo", "--text"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Patient ("), "{text}");
    assert!(text.contains("== Summary: "), "{text}");
    assert!(text.contains("Session wiped"), "{text}");
    assert!(!text.contains("== Summary: below fair"), "the demo shows good practice: {text}");
}

#[test]
fn bad_arguments_and_missing_files_get_clear_errors() {
    let output = run(rapport().args(["session", "--scenario", "no-such-thing", "--script", "x"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no scenario \"no-such-thing\" in the catalog; there are:"));

    let output = run(rapport()
        .args(["session", "--scenario", "alcohol-weekend", "--script"])
        .arg("/nonexistent/script.txt"));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("while opening the script /nonexistent/script.txt"));

    let output = run(rapport().args(["scenarios", "check", "/nonexistent/dir"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("while reading the scenario folder /nonexistent/dir"));

    let output = run(rapport().args([
        "session",
        "--scenario",
        "alcohol-weekend",
        "--audio-in",
        "a.wav",
        "--audio-out",
        "b.wav",
    ]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("while opening the trainee's audio a.wav"),
        "{}",
        stderr(&output)
    );

    let output = run(rapport().args(["session", "--scenario"]));
    assert_eq!(output.status.code(), Some(2), "clap's usage error");
}

#[test]
fn the_wipe_leaves_no_trace_and_a_deliberate_leak_is_caught() {
    let clean = run(rapport().args(["wipe-check", "--seed", "11", "--json"]));
    assert!(clean.status.success(), "{}\n{}", stdout(&clean), stderr(&clean));
    let report: serde_json::Value =
        serde_json::from_str(stdout(&clean).trim()).expect("one JSON report");
    assert!(
        report["before_wipe"]["canary"].as_u64() > Some(0),
        "the scan looks in the right places"
    );
    assert_eq!(report["after_wipe"]["canary"], 0, "{report}");
    assert_eq!(report["after_wipe"]["tail"], 0, "{report}");
    assert_eq!(report["logs"]["canary"], 0);
    assert_eq!(report["files"]["canary"], 0);
    assert_eq!(report["clean"], true);

    let leaky = run(rapport().args(["wipe-check", "--seed", "11", "--json", "--danger-leak"]));
    assert_eq!(leaky.status.code(), Some(1), "a leaking station must fail the check");
    let report: serde_json::Value =
        serde_json::from_str(stdout(&leaky).trim()).expect("one JSON report");
    assert!(report["after_wipe"]["canary"].as_u64() > Some(0), "{report}");
    assert_eq!(report["clean"], false);
}

#[test]
fn session_commands_harden_the_process() {
    // `rapport code` waits on stdin: inspect it while it runs.
    let mut child = code_child();
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    stdin.write_all(b"{\"text\": \"Hello\"}\n").expect("writing");
    let mut answer = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut answer).expect("an answer");
    // By now hardening has run; /proc tells the process's limits.
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).expect("limits");
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).expect("core line");
    assert!(core.split_whitespace().nth(4) == Some("0"), "core files are off: {core}");
    drop(stdin);
    child.wait().expect("exits");
}

#[test]
fn an_interactive_session_takes_typed_lines_until_end() {
    let mut child = rapport()
        .args(["session", "--scenario", "scan-results-fear", "--seed", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rapport session starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"How are you feeling right now?\n\nThat sounds frightening.\n/end\n")
        .expect("typing");
    drop(stdin);
    let output = child.wait_with_output().expect("the session ends");
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("== Waiting for a lung biopsy"), "the brief comes first: {text}");
    assert!(text.contains("You: How are you feeling right now?"), "{text}");
    assert!(text.contains("You: That sounds frightening."), "{text}");
    assert!(text.contains("[Open question"), "{text}");
    assert!(text.contains("-- You ended the conversation --"), "{text}");
    assert!(text.contains("== Summary: below fair"), "two lines are not a rated session: {text}");
    assert!(text.trim_end().ends_with("nothing of this conversation remains on the station."));
}

/// The summary of `script` played against `scenario`.
fn summary_of(scenario: &str, script: &str, seed: u64) -> serde_json::Value {
    summary(&events_of(scenario, script, seed)).clone()
}

#[test]
fn breaking_bad_news_with_spikes_rates_above_blunt_news() {
    for seed in 1..=3 {
        let spikes = summary_of("colon-cancer-diagnosis", "colon-cancer-spikes.txt", seed);
        let blunt = summary_of("colon-cancer-diagnosis", "colon-cancer-blunt.txt", seed);
        assert!(matches!(spikes["rating"].as_str(), Some("fair" | "good")), "{spikes}");
        assert_eq!(blunt["rating"], "below_fair", "{blunt}");
        assert!(spikes["counts"]["giving_information"].as_u64() >= Some(3), "the news was given");
        let (s, b) = (&spikes["patient"], &blunt["patient"]);
        assert!(s["progress"].as_u64() > b["progress"].as_u64(), "{s} vs {b}");
        assert!(s["resistance"].as_u64() < b["resistance"].as_u64(), "{s} vs {b}");
        assert!(spikes["disclosures"].as_u64() > blunt["disclosures"].as_u64());
    }
}
