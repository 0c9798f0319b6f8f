//! `rapport bench <area>`: performance figures, each printed beside its baseline from the same
//! run, so a ratio holds on a noisy machine.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rapport_privacy::SecretText;
use rapport_scenario::Scenario;
use rapport_session::{Event, SessionEvent};
use serde::Serialize;

use super::session::{find, start};
use crate::catalog;
use crate::cli::{BenchArea, BenchArgs};

/// The trainee's side of the benchmark session: the demo's script, played to its end.
const SCRIPT: &str = include_str!("../../demo/alcohol-weekend.txt");
/// The wipe must take less than this.
const WIPE_TARGET_MS: f64 = 50.0;

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    match args.area {
        BenchArea::Wipe => wipe(args),
        BenchArea::Ui => super::screens::bench(args),
        BenchArea::Metrics => super::metrics::bench::run(args),
        BenchArea::Remote => super::remote_bench::run(args),
        BenchArea::Coder => coder(args),
        BenchArea::Speech => super::speech_bench::run(args),
        BenchArea::Kiosk => super::kiosk_bench::run(args),
    }
}

#[derive(Serialize)]
struct WipeFigures {
    rounds: u32,
    session_ms_wiping: f64,
    session_ms_baseline: f64,
    allocator_cost_ratio: f64,
    wipe_ms_median: f64,
    wipe_ms_max: f64,
    wipe_target_ms: f64,
}

/// One scripted session, start to summary; returns how long the whole session took and how long
/// its wipe took (dropping what the screens held, then the engine's own wipe).
fn one_session(scenario: &Scenario, seed: u64) -> anyhow::Result<(Duration, Duration)> {
    let started = Instant::now();
    let (mut session, mut on_screen) = start(scenario, seed);
    for line in SCRIPT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let events = session
            .handle(Event::TraineeSaid(SecretText::copy_from(line)))
            .context("while playing the benchmark script")?;
        let ended = events.iter().any(|e| matches!(e, SessionEvent::Ended { .. }));
        on_screen.extend(events);
        if ended {
            break;
        }
    }
    if session.phase() == rapport_session::Phase::Conversation {
        on_screen.extend(session.handle(Event::EndRequested).context("while ending")?);
    }
    // Render the events as the station does, so output buffers are part of the cost.
    let mut rendered = Vec::with_capacity(64 * 1024);
    for event in &on_screen {
        serde_json::to_writer(&mut rendered, event).context("while rendering")?;
    }
    std::hint::black_box(&rendered);
    let session_time = started.elapsed();
    let wipe_started = Instant::now();
    drop(rendered);
    drop(on_screen);
    session.handle(Event::Wipe).context("while wiping")?;
    let wipe_time = wipe_started.elapsed();
    Ok((session_time + wipe_time, wipe_time))
}

/// One bench's figures as one JSON line on `out` (`--json`).
pub(super) fn write_json_line(
    out: &mut impl std::io::Write,
    figures: &impl Serialize,
) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, figures).context("while writing the figures as JSON")?;
    writeln!(out).context("while writing the figures as JSON")
}

fn wipe(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let rounds = args.rounds.max(1);
    let catalog = catalog::builtin().catalog;
    let scenario = find(&catalog, catalog::DEFAULT_SCENARIO)?;
    let mut wiping = Vec::new();
    let mut baseline = Vec::new();
    let mut wipes = Vec::new();
    // Warm caches once in each mode, then interleave the two so noise hits both alike.
    for enabled in [true, false] {
        rapport_wipe::danger_set_wiping(enabled);
        one_session(scenario, 0)?;
    }
    for round in 0..rounds {
        rapport_wipe::danger_set_wiping(true);
        let (total, wipe) = one_session(scenario, u64::from(round))?;
        wiping.push(total);
        wipes.push(wipe);
        rapport_wipe::danger_set_wiping(false);
        let (total, _) = one_session(scenario, u64::from(round))?;
        baseline.push(total);
    }
    // Never leave the process without wiping, whatever happens next.
    rapport_wipe::danger_set_wiping(true);
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2].as_secs_f64() * 1000.0
    };
    let session_ms_wiping = median(&mut wiping);
    let session_ms_baseline = median(&mut baseline);
    let figures = WipeFigures {
        rounds,
        session_ms_wiping,
        session_ms_baseline,
        allocator_cost_ratio: session_ms_wiping / session_ms_baseline.max(f64::EPSILON),
        wipe_ms_median: median(&mut wipes),
        wipe_ms_max: wipes.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        wipe_target_ms: WIPE_TARGET_MS,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        write_json_line(&mut out, &figures)?;
    } else {
        writeln!(out, "bench wipe: {rounds} scripted sessions per variant (median)")?;
        writeln!(out, "{:<42} {:>10}", "figure", "value")?;
        writeln!(
            out,
            "{:<42} {:>10.3}",
            "session, wiping allocator (ms)", figures.session_ms_wiping
        )?;
        writeln!(
            out,
            "{:<42} {:>10.3}",
            "session, wiping off: baseline (ms)", figures.session_ms_baseline
        )?;
        writeln!(
            out,
            "{:<42} {:>10.3}",
            "allocator cost (wiping / baseline)", figures.allocator_cost_ratio
        )?;
        writeln!(
            out,
            "{:<42} {:>10.3}",
            "wipe at session end, median (ms)", figures.wipe_ms_median
        )?;
        writeln!(out, "{:<42} {:>10.3}", "wipe at session end, max (ms)", figures.wipe_ms_max)?;
        writeln!(out, "{:<42} {:>10.3}", "wipe target (ms)", WIPE_TARGET_MS)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `rapport bench coder DATA_DIR`: the figures of `rapport_coder_model::bench`.
fn coder(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let data = args.data.as_deref().context("bench coder needs the AnnoMI data folder")?;
    let store = rapport_models::ModelStore::locate()?;
    let coder = rapport_coder_model::ModelCoder::load(&store)?;
    let model = store.path_by_name(rapport_coder_model::MODEL_NAME)?;
    let tokenizer = store.path_by_name(rapport_coder_model::TOKENIZER_NAME)?;
    let report = rapport_coder_model::bench::run(data, &coder, &model, &tokenizer)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        write_json_line(&mut out, &report.to_json())?;
    } else {
        write!(out, "{}", report.table())?;
    }
    Ok(ExitCode::SUCCESS)
}
