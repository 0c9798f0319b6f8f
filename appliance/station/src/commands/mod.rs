//! One module per subcommand; [`run`] dispatches.

mod bench;
mod code;
mod demo;
mod headless;
pub(crate) mod metrics;
mod remote;
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
            harden()?;
            demo::run(&args)
        }
        Some(Command::Scenarios(command)) => scenarios::run(command),
        Some(Command::Session(args)) => {
            harden()?;
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
            harden()?;
            bench::run(&args)
        }
        Some(Command::Metrics(command)) => metrics::run(command),
        Some(Command::Screens(args)) => screens::run(&args),
    }
}

/// Hardens the process before any session content exists. Commands run from a terminal lock
/// memory when the limit allows and say so when it does not; the kiosk will require it.
fn harden() -> anyhow::Result<()> {
    let hardening =
        rapport_wipe::harden(MemoryLock::BestEffort).context("while hardening the process")?;
    if let Some(reason) = hardening.memory_lock_skipped {
        warn!(reason = %reason, "memory is not locked against swap");
    }
    Ok(())
}

/// The kiosk itself: the touchscreen UI (audio and remote peers are still to come).
fn kiosk() -> anyhow::Result<ExitCode> {
    harden()?;
    screens::kiosk()
}
