//! One module per subcommand; [`run`] dispatches.

mod code;
mod demo;
mod scenarios;
mod session;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs what the command line asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => kiosk(cli.headless),
        Some(Command::Demo(args)) => demo::run(&args),
        Some(Command::Scenarios(command)) => scenarios::run(command),
        Some(Command::Session(args)) => session::run(&args),
        Some(Command::Code) => code::run(),
    }
}

/// The kiosk itself: the touchscreen UI, audio and remote peers.
fn kiosk(headless: bool) -> anyhow::Result<ExitCode> {
    let mode = if headless { "headless station" } else { "kiosk UI" };
    anyhow::bail!(
        "the {mode} is not part of this build yet; `rapport demo` plays a demo session and \
         `rapport session --scenario ID` runs one in the terminal"
    )
}
