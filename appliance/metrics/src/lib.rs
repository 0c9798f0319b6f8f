//! Opt-in anonymous aggregates: what the lab learns about its trainees as a group, without the
//! station ever storing a session, a trainee or a time finer than a day.
//!
//! - [`aggregate`]: the one value a consented session contributes ([`SessionAggregate`]), built
//!   from the session's [`rapport_session::Summary`] and reduced to counters and histogram
//!   buckets at once.
//! - [`store`]: the SQLite database on the station's one writable partition, one row per day,
//!   scenario and difficulty ([`Store`]). This crate is the only one of the station that writes
//!   to disk.
//! - [`release`]: how aggregates leave the station: cells below *k* sessions suppressed, Laplace
//!   noise on every count ([`Policy`], [`NoiseKey`]).
//! - [`export`], [`openmetrics`], [`dashboard`]: the three outputs, all built from released cells
//!   only.
//! - [`server`]: the HTTPS server of the dashboard and the `/metrics` endpoint.
//!
//! The exact definitions are in `PRIVACY.md`, "The anonymous aggregates".

pub mod aggregate;
pub mod config;
pub mod dashboard;
pub mod day;
mod error;
pub mod export;
pub mod openmetrics;
pub mod release;
pub mod server;
pub mod store;
pub mod synthetic;

pub use aggregate::{COUNTERS, Counter, SessionAggregate};
pub use config::Config;
pub use day::Day;
pub use error::MetricsError;
pub use release::{NoiseKey, Policy, ReleasedCell};
pub use store::{Cell, Store};

/// Where the station keeps its data when neither `--data-dir` nor `RAPPORT_DATA_DIR` says
/// otherwise: the station's one writable partition.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/rapport";
/// The environment variable that names the data folder.
pub const DATA_DIR_ENV: &str = "RAPPORT_DATA_DIR";
/// The database's file name inside the data folder.
pub const DATABASE_FILE: &str = "metrics.sqlite3";
