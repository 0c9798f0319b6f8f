//! One module per subcommand; [`run`] dispatches.

mod bench;
mod code;
mod demo;
mod headless;
mod kiosk_bench;
pub(crate) mod metrics;
pub(crate) mod remote;
mod remote_bench;
mod scenarios;
mod screens;
pub mod session;
mod speech_bench;
mod wipe_check;

use std::process::ExitCode;

use anyhow::Context as _;
use rapport_wipe::MemoryLock;
use tracing::warn;

use crate::cli::{Cli, Command};

/// Runs what the command line asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None if cli.headless => headless::run(),
        None => kiosk(),
        Some(Command::Demo(args)) => {
            harden_for(if args.text { Models::None } else { Models::Speech })?;
            demo::run(&args)
        }
        Some(Command::Scenarios(command)) => scenarios::run(command),
        Some(Command::Session(args)) => {
            let spoken = args.audio_in.is_some() || args.mic.is_some();
            harden_for(if spoken { Models::Speech } else { Models::None })?;
            match args.remote {
                Some(listen) => remote::run(&args, listen),
                None => session::run(&args),
            }
        }
        Some(Command::Code) => {
            harden()?;
            code::run()
        }
        Some(Command::WipeCheck(args)) => wipe_check::run(&args),
        Some(Command::WipeCheckStation(args)) => {
            harden()?;
            wipe_check::station(&args)
        }
        Some(Command::Bench(args)) => {
            use crate::cli::BenchArea;
            let speech = matches!(args.area, BenchArea::Speech | BenchArea::Kiosk);
            harden_for(if speech { Models::Speech } else { Models::None })?;
            bench::run(&args)
        }
        Some(Command::Metrics(command)) => metrics::run(command),
        Some(Command::Screens(args)) => screens::run(&args),
    }
}

/// Which models a command loads through C libraries before its session starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Models {
    /// None: the C heap is overwritten on free from the start.
    None,
    /// The speech models: the C heap's overwrite waits until they are loaded
    /// (`crate::spoken::models`), or glibc would fill whisper.cpp's untouched reservations.
    Speech,
}

/// Hardens the process before any session content exists. Commands run from a terminal lock
/// memory when the limit allows and say so when it does not; the kiosk will require it.
fn harden() -> anyhow::Result<()> {
    harden_for(Models::None)
}

fn harden_for(models: Models) -> anyhow::Result<()> {
    let hardening = match models {
        Models::None => rapport_wipe::harden(MemoryLock::BestEffort),
        Models::Speech => rapport_wipe::harden_deferring_c_heap(MemoryLock::BestEffort),
    }
    .context("while hardening the process")?;
    if let Some(reason) = hardening.memory_lock_skipped {
        warn!(reason = %reason, "memory is not locked against swap");
    }
    Ok(())
}

/// The kiosk itself: the touchscreen UI, with speech and remote peers as its configuration says.
fn kiosk() -> anyhow::Result<ExitCode> {
    let station = crate::config::StationConfig::load()
        .context("while reading the station's configuration")?;
    harden_for(if station.speech.is_some() { Models::Speech } else { Models::None })?;
    screens::kiosk(station)
}
