//! The store on a real file: what it holds after several sessions (and that nothing in it tells
//! one session apart), migrations, and the errors a person gets for a bad file.

use rapport_metrics::aggregate::Outcome;
use rapport_metrics::store::SCHEMA_VERSION;
use rapport_metrics::{COUNTERS, DATABASE_FILE, Day, MetricsError, SessionAggregate, Store};
use rapport_session::{EndReason, Rating};

fn outcome(n: u32) -> Outcome {
    Outcome {
        end_reason: [EndReason::GoalReached, EndReason::EndedByTrainee, EndReason::TimeUp]
            [n as usize % 3],
        goal_reached: n.is_multiple_of(3),
        rating: [Rating::BelowFair, Rating::Fair, Rating::Good][n as usize % 3],
        reflection_to_question: f64::from(n) * 0.45,
        percent_complex_reflections: f64::from(n * 13 % 100),
        percent_open_questions: f64::from(n * 29 % 100),
    }
}

fn sqlite(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("the database opens")
}

#[test]
fn the_database_holds_sums_per_day_scenario_and_difficulty_and_nothing_per_session() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a new store");
    let day = Day::parse("2026-03-02").expect("a date");
    let mut expected = [[0u64; 24]; 2];
    for n in 0..9u32 {
        let aggregate =
            SessionAggregate::new(if n < 6 { "alcohol-weekend" } else { "smoking" }, 2, outcome(n))
                .expect("a valid aggregate");
        for (sum, &inc) in expected[usize::from(n >= 6)].iter_mut().zip(aggregate.increments()) {
            *sum += u64::from(inc);
        }
        store.record(&aggregate, day).expect("recorded");
    }
    drop(store);

    let path = folder.path().join(DATABASE_FILE);
    let db = sqlite(&path);
    // Exactly two tables: the cells and the noise key.
    let mut tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("a query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    tables.sort();
    assert_eq!(tables, ["cell", "station"]);
    // The columns are the cell's identity and the counters: no time, id, seed or text.
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('cell')")
        .expect("a query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    let mut allowed = vec!["day", "scenario", "difficulty"];
    allowed.extend(COUNTERS.iter().map(|c| c.name));
    assert_eq!(columns, allowed);
    let keys: Vec<String> = db
        .prepare("SELECT name FROM station")
        .expect("a query")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    assert_eq!(keys, ["noise_key"]);
    // Nine sessions make two rows, whose counters are the sums of their sessions.
    let store = Store::open(folder.path()).expect("reopened");
    let cells = store.cells().expect("cells");
    assert_eq!(cells.len(), 2);
    assert_eq!(cells[0].day, day);
    assert_eq!(cells[0].values, expected[0]);
    assert_eq!(cells[1].values, expected[1]);
    assert_eq!(cells[0].sessions() + cells[1].sessions(), 9);
    // No earlier state of a row is left behind: the log is empty after each update and freed
    // pages are zeroed, so successive values (one session's difference) cannot be read back.
    let wal = folder.path().join(format!("{DATABASE_FILE}-wal"));
    assert!(
        std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0,
        "the write-ahead log is truncated"
    );
    assert_eq!(store.integrity_check().expect("a check"), "ok");
    // The file is the station's alone.
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(&path).expect("the file").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn the_schema_is_versioned_and_a_newer_one_is_refused() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let key = {
        let store = Store::open(folder.path()).expect("a new store");
        store.noise_key().expect("a key")
    };
    let path = folder.path().join(DATABASE_FILE);
    let version: i64 =
        sqlite(&path).query_row("PRAGMA user_version", [], |row| row.get(0)).expect("a version");
    assert_eq!(version, SCHEMA_VERSION);
    // Opening again migrates nothing and keeps the key.
    assert_eq!(Store::open(folder.path()).expect("reopened").noise_key().expect("a key"), key);
    sqlite(&path).execute_batch("PRAGMA user_version = 99").expect("a pragma");
    match Store::open(folder.path()) {
        Err(error @ MetricsError::NewerSchema { found: 99, .. }) => {
            assert!(error.to_string().contains("newer"), "{error}");
        }
        other => panic!("expected a newer-schema error, got {:?}", other.err()),
    }
}

#[test]
fn a_corrupt_file_gives_a_clear_error_naming_it() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let path = folder.path().join(DATABASE_FILE);
    std::fs::write(&path, vec![0x5a; 8192]).expect("garbage written");
    let error = Store::open(folder.path()).err().expect("a corrupt file is refused");
    let message = error.to_string();
    assert!(matches!(error, MetricsError::Corrupt { .. }), "{message}");
    assert!(
        message.contains(&path.display().to_string()) && message.contains("corrupt"),
        "{message}"
    );
}

#[test]
fn erase_empties_the_store_and_renews_the_key() {
    let folder = tempfile::tempdir().expect("a scratch folder");
    let mut store = Store::open(folder.path()).expect("a new store");
    let aggregate = SessionAggregate::new("a", 1, outcome(1)).expect("valid");
    store.record(&aggregate, Day::from_unix_days(20_000)).expect("recorded");
    let key = store.noise_key().expect("a key");
    store.erase().expect("erased");
    assert!(store.cells().expect("cells").is_empty());
    assert_ne!(store.noise_key().expect("a key"), key);
}
