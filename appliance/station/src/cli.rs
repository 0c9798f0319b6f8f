//! The command line (`../shared/DESIGN.md`, "The command line"): keep these shapes stable, since
//! tests, benchmarks and outside evaluations drive the station through them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A private practice station for therapeutic conversations.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, long_about = None)]
pub struct Cli {
    /// Run without the touchscreen UI.
    #[arg(long)]
    pub headless: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// A demo session on the built-in default scenario, played from a built-in script.
    Demo(DemoArgs),
    /// The scenario catalog.
    #[command(subcommand)]
    Scenarios(ScenariosCommand),
    /// Run one practice session.
    Session(SessionArgs),
    /// Code trainee utterances: JSON lines in on stdin, one JSON line out per input.
    Code,
}

/// Options of `rapport demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulated patient.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// `rapport scenarios …`
#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// List the catalog (the built-in one, or the scenarios in DIR).
    List {
        /// A folder of scenario files.
        dir: Option<PathBuf>,
    },
    /// Validate every scenario file; exit 1 with file:line errors on any bad file.
    Check {
        /// A folder of scenario files (the built-in catalog when left out).
        dir: Option<PathBuf>,
    },
}

/// Options of `rapport session`.
#[derive(Debug, Args)]
pub struct SessionArgs {
    /// The scenario's id (see `rapport scenarios list`).
    #[arg(long)]
    pub scenario: String,
    /// Load scenarios from this folder instead of the built-in catalog.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// A file of trainee lines, one per line; prints the session's events as JSON lines.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["audio_in", "audio_out"])]
    pub script: Option<PathBuf>,
    /// Speech input from a WAV file.
    #[arg(long, value_name = "WAV", requires = "audio_out")]
    pub audio_in: Option<PathBuf>,
    /// Patient speech output to a WAV file.
    #[arg(long, value_name = "WAV", requires = "audio_in")]
    pub audio_out: Option<PathBuf>,
    /// Seed of the simulated patient (random when left out).
    #[arg(long)]
    pub seed: Option<u64>,
}
