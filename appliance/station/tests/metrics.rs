//! The metrics side of the station, driven through the `rapport` binary: only consented sessions
//! count, nothing of a session's content reaches the data folder, a corrupt database never stops
//! a session, export and erase, and `kill -9` in the middle of writes.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rapport_metrics::synthetic::{self, Fill};
use rapport_metrics::{DATABASE_FILE, Day, Store};

fn rapport() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command.env_remove("RAPPORT_LOG").env_remove("RAPPORT_DATA_DIR");
    command
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// A scripted session of the good-MI script, with `extra` arguments.
fn session(data_dir: &Path, seed: u64, extra: &[&str]) -> Output {
    rapport()
        .args(["session", "--scenario", "alcohol-weekend", "--seed", &seed.to_string(), "--script"])
        .arg(repo().join("tests/scripts/alcohol-good-mi.txt"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .output()
        .expect("the rapport binary runs")
}

/// Every byte of every file in `dir`.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the data folder") {
        let path = entry.expect("an entry").path();
        bytes.extend(std::fs::read(&path).expect("a readable file"));
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[test]
fn only_consented_sessions_count_and_nothing_of_their_content_is_stored() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let golden = std::fs::read_to_string(repo().join("tests/golden/alcohol-good-mi.seed1.jsonl"))
        .expect("the golden transcript");

    // Without consent: the transcript is the golden one, byte for byte, and nothing is written.
    let output = session(folder.path(), 1, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), golden);
    assert!(
        !folder.path().join(DATABASE_FILE).exists(),
        "an unconsented session created the database"
    );

    // With consent: one content-free line first, then the same transcript; three sessions count.
    for seed in [1, 2, 3] {
        let output = session(folder.path(), seed, &["--consent-metrics"]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        let stdout = text(&output.stdout);
        let (first, rest) = stdout.split_once('\n').expect("lines");
        assert_eq!(first, "{\"event\":\"metrics_consent\",\"counts\":true}");
        if seed == 1 {
            assert_eq!(rest, golden);
        }
    }
    session(folder.path(), 4, &[]);
    let store = Store::open(folder.path()).expect("the store");
    let cells = store.cells().expect("cells");
    assert_eq!(cells.len(), 1, "one day, one scenario, one difficulty");
    assert_eq!((cells[0].scenario.as_str(), cells[0].difficulty), ("alcohol-weekend", 1));
    assert_eq!(cells[0].day, Day::today());
    assert_eq!(cells[0].sessions(), 3, "the unconsented fourth session is not counted");
    assert_eq!(store.integrity_check().expect("a check"), "ok");
    drop(store);

    // No line of the trainee or the patient is anywhere in the data folder.
    let stored = all_bytes(folder.path());
    let script = std::fs::read_to_string(repo().join("tests/scripts/alcohol-good-mi.txt"))
        .expect("the script");
    let trainee = script.lines().map(str::trim).filter(|l| l.len() > 12 && !l.starts_with('#'));
    let patient: Vec<String> = golden
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|e| e["text"].as_str().map(str::to_owned))
        .filter(|t| t.len() > 12)
        .collect();
    assert!(!patient.is_empty());
    for line in trainee.chain(patient.iter().map(String::as_str)) {
        let probe = &line.as_bytes()[..12];
        assert!(!contains(&stored, probe), "the data folder holds session text: {line:?}");
    }
}

#[test]
fn a_corrupt_database_is_reported_and_the_session_still_runs() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let path = folder.path().join(DATABASE_FILE);
    std::fs::write(&path, b"this is not a database, whatever it once was".repeat(200))
        .expect("written");
    let output = session(folder.path(), 1, &["--consent-metrics"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("will not count") && stderr.contains("corrupt"), "{stderr}");
    assert!(stderr.contains(&path.display().to_string()), "{stderr}");
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("{\"event\":\"metrics_consent\",\"counts\":false}\n"));
    assert!(stdout.contains("\"event\":\"summary\""), "the summary is printed");
    // The session did not touch the file.
    assert!(std::fs::read(&path).expect("the file").starts_with(b"this is not a database"));

    // An unusable data folder (a file where the folder should be) is reported too.
    let not_a_folder = folder.path().join("plain-file");
    std::fs::write(&not_a_folder, b"x").expect("written");
    let output = session(&not_a_folder, 1, &["--consent-metrics"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("cannot open the metrics database"),
        "{}",
        text(&output.stderr)
    );
    assert!(text(&output.stdout).contains("\"event\":\"summary\""));
}

#[test]
fn the_demo_shows_whether_it_counts() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let run = |extra: &[&str]| {
        let output = rapport()
            .arg("demo")
            .arg("--data-dir")
            .arg(folder.path())
            .args(extra)
            .output()
            .expect("the demo runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    assert!(
        run(&[]).contains("This session will not count toward the lab's anonymous statistics.")
    );
    assert!(
        run(&["--consent-metrics"])
            .contains("This session will count toward the lab's anonymous statistics.")
    );
    let cells = Store::open(folder.path()).expect("the store").cells().expect("cells");
    assert_eq!(cells.iter().map(|c| c.sessions()).sum::<u64>(), 1);
}

#[test]
fn export_suppresses_and_noises_and_erase_asks_first() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a store");
    let first_day = Day::today().plus(-30);
    let fill = Fill { first_day, days: 20, scenarios: 3, sessions_per_cell: 6, seed: 2 };
    synthetic::fill(&mut store, &fill).expect("filled");
    // One small cell of 3 sessions, on a day of its own.
    let small = Fill {
        first_day: Day::today().plus(-2),
        days: 1,
        scenarios: 1,
        sessions_per_cell: 1,
        seed: 3,
    };
    synthetic::fill(&mut store, &small).expect("filled");
    let truth = store.cells().expect("cells");
    drop(store);
    let config = folder.path().join("metrics.toml");
    std::fs::write(&config, "k = 5\nepsilon = 0.5\n").expect("written");

    let out_file = folder.path().join("export.json");
    let output = rapport()
        .args(["metrics", "export", "--data-dir"])
        .arg(folder.path())
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(&out_file)
        .output()
        .expect("export runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_file).expect("the export"))
            .expect("JSON");
    let cells = export["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 60, "20 days x 3 scenarios; the small cell is left out");
    let small_day = Day::today().plus(-2).to_string();
    assert!(cells.iter().all(|c| c["day"] != small_day.as_str()));
    let mut moved = 0;
    for cell in cells {
        let day = Day::parse(cell["day"].as_str().expect("a day")).expect("a date");
        let true_cell = truth
            .iter()
            .find(|t| t.day == day && t.scenario == cell["scenario"].as_str().expect("an id"))
            .expect("a stored cell");
        assert!(true_cell.sessions() >= 5, "a cell under k was exported");
        if cell["counts"]["sessions"].as_u64() != Some(true_cell.sessions()) {
            moved += 1;
        }
    }
    assert!(moved > 40, "noise moves most counts at epsilon 0.5 (moved {moved} of 60)");

    let erase = |extra: &[&str]| {
        rapport()
            .args(["metrics", "erase", "--data-dir"])
            .arg(folder.path())
            .args(extra)
            .output()
            .expect("erase runs")
    };
    let refused = erase(&[]);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("--yes"), "{}", text(&refused.stderr));
    assert_eq!(
        Store::open(folder.path()).expect("a store").cells().expect("cells").len(),
        truth.len()
    );
    let done = erase(&["--yes"]);
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(Store::open(folder.path()).expect("a store").cells().expect("cells").is_empty());
}

#[test]
fn kill_9_during_writes_keeps_the_file_sound_and_every_committed_update() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    const ROUNDS: u64 = 8;
    let mut reported = 0u64;
    for round in 0..ROUNDS {
        let mut child = rapport()
            .args(["metrics", "danger-write-loop", "--data-dir"])
            .arg(folder.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the write loop starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        // Stop at a different point each round, while the loop keeps writing.
        let stop_after = 3 + (round * 7) % 11;
        let mut last = 0u64;
        for line in lines.by_ref() {
            last = parse_committed(&line.expect("a line"));
            if last >= stop_after {
                break;
            }
        }
        child.kill().expect("SIGKILL is sent");
        child.wait().expect("the loop is reaped");
        // Whatever it printed before dying was committed before it was printed.
        for line in lines {
            match line {
                Ok(line) if !line.is_empty() => last = parse_committed(&line),
                _ => break,
            }
        }
        assert!(last >= stop_after);
        reported += last;
    }
    let store = Store::open(folder.path()).expect("the store opens after the kills");
    assert_eq!(store.integrity_check().expect("a check"), "ok");
    let stored: u64 = store.cells().expect("cells").iter().map(|c| c.sessions()).sum();
    // Each round can have committed one update it had no time to report.
    assert!(
        (reported..=reported + ROUNDS).contains(&stored),
        "{stored} stored, {reported} reported committed"
    );
}

fn parse_committed(line: &str) -> u64 {
    line.strip_prefix("committed ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected line {line:?}"))
}
