//! `rapport`: the station's one binary. The kiosk, headless runs and every command-line tool
//! (`scenarios`, `session`, `code`, `demo`) start here.

mod catalog;
mod cli;
mod commands;
mod logging;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("rapport: {error:#}");
            ExitCode::FAILURE
        }
    }
}
