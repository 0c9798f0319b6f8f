//! `rapport`: the station's one binary. The kiosk, headless runs and every command-line tool
//! (`scenarios`, `session`, `code`, `demo`) start here.

mod catalog;
mod cli;
mod commands;
mod config;
mod logging;
mod render;
mod secret_io;
mod spoken;
mod systemd;

#[cfg(test)]
mod kiosk_tests;

use std::process::ExitCode;

use clap::Parser;
use rapport_wipe::WipingAllocator;

/// Every block the Rust heap frees is zeroed first: no session content survives in freed memory.
#[global_allocator]
static ALLOCATOR: WipingAllocator = WipingAllocator::system();

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
