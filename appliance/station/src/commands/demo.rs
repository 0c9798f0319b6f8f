//! `rapport demo`: the station's main job on a built-in default — a session with the default
//! scenario, the trainee's side played from a built-in script of good motivational interviewing,
//! shown as the kiosk would show it, then wiped.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context as _;
use rapport_privacy::SecretText;
use rapport_session::{Event, Progression, SessionEvent};

use super::metrics::consent::Consent;
use super::session::{find, finish_summary, start};
use crate::catalog;
use crate::cli::DemoArgs;
use crate::render;
use crate::secret_io::SecretWriter;

/// The trainee's lines of the demo.
const SCRIPT: &str = include_str!("../../demo/alcohol-weekend.txt");

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let load = catalog::builtin();
    let catalog = load.catalog;
    let scenario = find(&catalog, catalog::DEFAULT_SCENARIO)?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    let mut progression = Progression::default();
    let mut consent = Consent::open(&args.metrics);
    render::brief(&mut out, scenario)?;
    writeln!(out, "{}", consent.marker()).context("while writing to stdout")?;
    let (mut session, opening) = start(scenario, args.seed);
    render::events(&mut out, &opening)?;
    let mut ended = false;
    for line in SCRIPT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut events = session
            .handle(Event::TraineeSaid(SecretText::copy_from(line)))
            .context("while playing the demo script")?;
        ended = events.iter().any(|e| matches!(e, SessionEvent::Summary(_)));
        finish_summary(&mut events, &catalog, scenario, &mut progression);
        render::events(&mut out, &events)?;
        consent.record(scenario, &events);
        if ended {
            break;
        }
    }
    if !ended {
        let mut events = session.handle(Event::EndRequested).context("while ending the demo")?;
        finish_summary(&mut events, &catalog, scenario, &mut progression);
        render::events(&mut out, &events)?;
        consent.record(scenario, &events);
    }
    let wiped = session.handle(Event::Wipe).context("while wiping the demo session")?;
    render::events(&mut out, &wiped)?;
    out.flush().context("while writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}
