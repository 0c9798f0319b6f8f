//! The errors of the metrics crate: each says what went wrong and with which file, so an operator
//! can act on it.

use std::path::PathBuf;

/// Something the metrics store, its release or its server could not do.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The data folder or the database file could not be created or opened.
    #[error("cannot open the metrics database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a SQLite database, or it is damaged.
    #[error(
        "the metrics database {path} is unreadable or corrupt ({source}); move it away or run \
         `rapport metrics erase --yes` to start afresh"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer station whose schema this one does not know.
    #[error(
        "the metrics database {path} has schema version {found}, newer than the {known} this \
         station knows"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A query or an update failed.
    #[error("metrics database error while {doing}: {source}")]
    Database {
        /// What the store was doing.
        doing: &'static str,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A scenario id that the store does not accept.
    #[error("scenario id {0:?} is not storable: use 1 to 64 of a-z, 0-9, '-' and '_'")]
    ScenarioId(String),
    /// A difficulty outside 1–5.
    #[error("difficulty {0} is outside 1-5")]
    Difficulty(u8),
    /// The configuration file is missing, unreadable or invalid.
    #[error("metrics configuration {path}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The TLS certificate or key could not be loaded or generated.
    #[error("TLS: {0}")]
    Tls(String),
    /// A file or socket operation of the server or the export failed.
    #[error("{doing}: {source}")]
    Io {
        /// What was being done.
        doing: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A password could not be hashed.
    #[error("password hashing: {0}")]
    Password(String),
}

impl MetricsError {
    pub(crate) fn io(doing: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { doing: doing.into(), source }
    }

    pub(crate) fn db(doing: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Database { doing, source }
    }
}
