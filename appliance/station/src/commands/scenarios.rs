//! `rapport scenarios list|check`.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::catalog;
use crate::cli::ScenariosCommand;

pub fn run(command: ScenariosCommand) -> anyhow::Result<ExitCode> {
    match command {
        ScenariosCommand::List { dir } => {
            let load = catalog::load(dir.as_deref())?;
            let mut out = std::io::stdout().lock();
            for scenario in load.catalog.iter() {
                writeln!(
                    out,
                    "{:<28} {:<26} level {}  {}",
                    scenario.id,
                    scenario.skill.display_name(),
                    scenario.difficulty.level(),
                    scenario.title
                )
                .context("while writing to stdout")?;
            }
            for error in &load.errors {
                eprintln!("{error}");
            }
            Ok(if load.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        ScenariosCommand::Check { dir } => {
            let load = catalog::load(dir.as_deref())?;
            for error in &load.errors {
                eprintln!("{error}");
            }
            if load.errors.is_empty() {
                println!("{} scenarios valid", load.catalog.len());
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{} scenarios valid, {} errors", load.catalog.len(), load.errors.len());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
