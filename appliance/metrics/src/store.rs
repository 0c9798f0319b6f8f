//! The aggregates database: SQLite on the station's one writable partition, one row per day,
//! scenario and difficulty, holding only counters.
//!
//! Crash safety: write-ahead logging with `synchronous = FULL`, and each session's aggregate is
//! one transaction, so a power cut or `kill -9` loses at most the update in flight. After each
//! update the log is checkpointed and truncated and freed pages are zeroed (`secure_delete`), so
//! earlier values of a row (which would tell one session's contribution apart) do not linger in
//! the files.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension as _, TransactionBehavior, params_from_iter};

use crate::aggregate::{COUNTER_COUNT, COUNTERS, SessionAggregate};
use crate::release::NoiseKey;
use crate::{DATABASE_FILE, Day, MetricsError};

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

/// One cell: the true counters of one day, scenario and difficulty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The UTC day.
    pub day: Day,
    /// The scenario id.
    pub scenario: String,
    /// The difficulty, 1–5.
    pub difficulty: u8,
    /// The counters, in the order of [`COUNTERS`].
    pub values: [u64; COUNTER_COUNT],
}

impl Cell {
    /// Sessions counted in the cell.
    pub fn sessions(&self) -> u64 {
        self.values[0]
    }
}

/// The open database. Dropping it clears the log.
pub struct Store {
    connection: Connection,
    path: PathBuf,
    upsert: String,
}

impl Store {
    /// Opens (creating when missing) the database in `data_dir`, and brings its schema up to
    /// date.
    pub fn open(data_dir: &Path) -> Result<Self, MetricsError> {
        let path = data_dir.join(DATABASE_FILE);
        let open_error = |source| MetricsError::Open { path: path.clone(), source };
        if !data_dir.is_dir() {
            fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(data_dir)
                .map_err(open_error)?;
        }
        // Create the file ourselves, readable by the station only, before SQLite opens it.
        OpenOptions::new().create(true).append(true).mode(0o600).open(&path).map_err(open_error)?;
        let corrupt = |source| MetricsError::Corrupt { path: path.clone(), source };
        let connection = Connection::open(&path).map_err(corrupt)?;
        connection.busy_timeout(Duration::from_secs(5)).map_err(corrupt)?;
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(corrupt)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(MetricsError::Corrupt {
                path,
                source: rusqlite::Error::InvalidParameterName(format!("journal mode {mode}")),
            });
        }
        connection
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;")
            .map_err(corrupt)?;
        let mut store = Self { connection, path, upsert: upsert_sql() };
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<(), MetricsError> {
        let path = self.path.clone();
        let corrupt = |source| MetricsError::Corrupt { path: path.clone(), source };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(corrupt)?;
        let version: i64 =
            transaction.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(corrupt)?;
        if version > SCHEMA_VERSION {
            return Err(MetricsError::NewerSchema {
                path: self.path.clone(),
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        if version < 1 {
            transaction.execute_batch(&schema_v1()).map_err(corrupt)?;
            transaction
                .execute(
                    "INSERT INTO station (name, value) VALUES ('noise_key', ?1)",
                    [NoiseKey::random().to_bytes().to_vec()],
                )
                .map_err(corrupt)?;
        }
        // Later versions add their steps here, each from the version before.
        if version < SCHEMA_VERSION {
            transaction
                .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                .map_err(corrupt)?;
        }
        transaction.commit().map_err(corrupt)?;
        self.clear_log()
    }

    /// Adds one session's aggregate to the cell of `day`, in one durable transaction. Call
    /// [`Store::clear_log`] after it (the kiosk does once the summary is on screen; dropping the
    /// store does too) so the log keeps no earlier state of the row.
    pub fn record(&mut self, aggregate: &SessionAggregate, day: Day) -> Result<(), MetricsError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(MetricsError::db("starting an update"))?;
        {
            let mut statement = transaction
                .prepare_cached(&self.upsert)
                .map_err(MetricsError::db("preparing an update"))?;
            let day_text = day.to_string();
            let mut values: Vec<rusqlite::types::Value> = vec![
                day_text.into(),
                aggregate.scenario().to_owned().into(),
                i64::from(aggregate.difficulty()).into(),
            ];
            values.extend(aggregate.increments().iter().map(|&n| i64::from(n).into()));
            statement
                .execute(params_from_iter(values))
                .map_err(MetricsError::db("updating a cell"))?;
        }
        transaction.commit().map_err(MetricsError::db("committing an update"))
    }

    /// Runs an empty write transaction: the baseline `rapport bench metrics` measures
    /// [`Store::record`] against.
    pub fn empty_write(&mut self) -> Result<(), MetricsError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(MetricsError::db("starting an empty update"))?;
        transaction.commit().map_err(MetricsError::db("committing an empty update"))
    }

    /// Adds many cells at once (for benchmarks and test fixtures): each `(day, aggregate, n)`
    /// adds `aggregate` `n` times. One transaction for all.
    pub fn record_many<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (Day, &'a SessionAggregate, u32)>,
    ) -> Result<(), MetricsError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(MetricsError::db("starting a bulk update"))?;
        {
            let mut statement = transaction
                .prepare_cached(&self.upsert)
                .map_err(MetricsError::db("preparing a bulk update"))?;
            for (day, aggregate, times) in entries {
                let mut values: Vec<rusqlite::types::Value> = vec![
                    day.to_string().into(),
                    aggregate.scenario().to_owned().into(),
                    i64::from(aggregate.difficulty()).into(),
                ];
                values.extend(
                    aggregate
                        .increments()
                        .iter()
                        .map(|&n| (i64::from(n) * i64::from(times)).into()),
                );
                statement
                    .execute(params_from_iter(values))
                    .map_err(MetricsError::db("updating a cell"))?;
            }
        }
        transaction.commit().map_err(MetricsError::db("committing a bulk update"))?;
        self.clear_log()
    }

    /// Moves the write-ahead log into the database and truncates it, so no earlier version of a
    /// row stays in the files.
    pub fn clear_log(&mut self) -> Result<(), MetricsError> {
        // A reader (the dashboard) may hold the log open; the checkpoint then completes later,
        // which is no error.
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(MetricsError::db("checkpointing the log"))
    }

    /// Every cell, oldest day first.
    pub fn cells(&self) -> Result<Vec<Cell>, MetricsError> {
        let columns: Vec<&str> = COUNTERS.iter().map(|c| c.name).collect();
        let sql = format!(
            "SELECT day, scenario, difficulty, {} FROM cell ORDER BY day, scenario, difficulty",
            columns.join(", ")
        );
        let mut statement =
            self.connection.prepare_cached(&sql).map_err(MetricsError::db("reading cells"))?;
        let rows = statement
            .query_map([], |row| {
                let day_text: String = row.get(0)?;
                let day = Day::parse(&day_text).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        format!("bad day {day_text:?}").into(),
                    )
                })?;
                let mut values = [0u64; COUNTER_COUNT];
                for (i, value) in values.iter_mut().enumerate() {
                    *value = row.get(3 + i)?;
                }
                Ok(Cell { day, scenario: row.get(1)?, difficulty: row.get(2)?, values })
            })
            .map_err(MetricsError::db("reading cells"))?;
        rows.collect::<Result<_, _>>().map_err(MetricsError::db("reading cells"))
    }

    /// The key the noise of every release is derived from.
    pub fn noise_key(&self) -> Result<NoiseKey, MetricsError> {
        let bytes: Option<Vec<u8>> = self
            .connection
            .query_row("SELECT value FROM station WHERE name = 'noise_key'", [], |row| row.get(0))
            .optional()
            .map_err(MetricsError::db("reading the noise key"))?;
        bytes.and_then(|b| NoiseKey::from_bytes(&b)).ok_or_else(|| MetricsError::Corrupt {
            path: self.path.clone(),
            source: rusqlite::Error::QueryReturnedNoRows,
        })
    }

    /// Erases every aggregate and draws a new noise key, then compacts the file so nothing of
    /// the old rows stays in it.
    pub fn erase(&mut self) -> Result<(), MetricsError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(MetricsError::db("starting the erase"))?;
        transaction.execute("DELETE FROM cell", []).map_err(MetricsError::db("erasing cells"))?;
        transaction
            .execute(
                "UPDATE station SET value = ?1 WHERE name = 'noise_key'",
                [NoiseKey::random().to_bytes().to_vec()],
            )
            .map_err(MetricsError::db("renewing the noise key"))?;
        transaction.commit().map_err(MetricsError::db("committing the erase"))?;
        self.connection.execute_batch("VACUUM").map_err(MetricsError::db("compacting the file"))?;
        self.clear_log()
    }

    /// Erases the store in `data_dir` even when its file is corrupt: a readable store is
    /// emptied in place ([`Store::erase`]); an unreadable one is deleted with its log and a
    /// fresh one created.
    pub fn erase_in(data_dir: &Path) -> Result<Self, MetricsError> {
        match Self::open(data_dir) {
            Ok(mut store) => {
                store.erase()?;
                Ok(store)
            }
            Err(MetricsError::Corrupt { path, .. }) => {
                for suffix in ["", "-wal", "-shm"] {
                    let file = PathBuf::from(format!("{}{suffix}", path.display()));
                    match fs::remove_file(&file) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(source) => return Err(MetricsError::Open { path: file, source }),
                    }
                }
                Self::open(data_dir)
            }
            Err(other) => Err(other),
        }
    }

    /// `PRAGMA integrity_check`'s verdict: `"ok"` for a sound file.
    pub fn integrity_check(&self) -> Result<String, MetricsError> {
        self.connection
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(MetricsError::db("checking integrity"))
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(error) = self.clear_log() {
            tracing::warn!(error = %error, "the metrics log could not be cleared");
        }
    }
}

fn schema_v1() -> String {
    let counters: Vec<String> =
        COUNTERS.iter().map(|c| format!("    {} INTEGER NOT NULL DEFAULT 0", c.name)).collect();
    format!(
        "CREATE TABLE cell (
    day TEXT NOT NULL CHECK (length(day) = 10),
    scenario TEXT NOT NULL CHECK (length(scenario) BETWEEN 1 AND 64),
    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 5),
{},
    PRIMARY KEY (day, scenario, difficulty)
) WITHOUT ROWID;
CREATE TABLE station (name TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
        counters.join(",\n")
    )
}

fn upsert_sql() -> String {
    let names: Vec<&str> = COUNTERS.iter().map(|c| c.name).collect();
    let placeholders: Vec<String> = (4..4 + COUNTER_COUNT).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = names.iter().map(|n| format!("{n} = {n} + excluded.{n}")).collect();
    format!(
        "INSERT INTO cell (day, scenario, difficulty, {}) VALUES (?1, ?2, ?3, {}) \
         ON CONFLICT (day, scenario, difficulty) DO UPDATE SET {}",
        names.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    )
}
