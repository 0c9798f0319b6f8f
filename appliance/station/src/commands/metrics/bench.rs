//! `rapport bench metrics`: what recording one session's aggregate costs beside an empty write
//! transaction on the same database, and how long the dashboard takes to read, release and
//! render two years of daily cells for 50 scenarios, beside an empty database.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rapport_metrics::aggregate::Outcome;
use rapport_metrics::synthetic::{self, Fill};
use rapport_metrics::{Day, Policy, SessionAggregate, Store};
use rapport_session::{EndReason, Rating};
use serde::Serialize;

use crate::cli::BenchArgs;

/// Recording one session's aggregate must take less than this.
const RECORD_TARGET_MS: f64 = 5.0;
/// Two years of days.
const DAYS: u32 = 730;
/// Scenarios in the filled database.
const SCENARIOS: u32 = 50;

#[derive(Serialize)]
struct MetricsFigures {
    rounds: u32,
    record_ms_median: f64,
    record_ms_max: f64,
    clear_log_ms_median: f64,
    empty_write_ms_median: f64,
    record_target_ms: f64,
    fill_cells: u64,
    fill_sessions: u64,
    fill_s: f64,
    dashboard_ms_median: f64,
    dashboard_empty_ms_median: f64,
    openmetrics_ms_median: f64,
}

fn median_ms(times: &mut [Duration]) -> f64 {
    times.sort();
    times.get(times.len() / 2).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn timed<T>(work: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, Duration)> {
    let started = Instant::now();
    let value = work()?;
    Ok((value, started.elapsed()))
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let rounds = args.rounds.max(3);
    let folder = tempfile::tempdir().context("while making a scratch folder")?;
    let mut store = Store::open(&folder.path().join("record"))?;
    let aggregate = SessionAggregate::new(
        "alcohol-weekend",
        2,
        Outcome {
            end_reason: EndReason::GoalReached,
            goal_reached: true,
            rating: Rating::Fair,
            reflection_to_question: 1.2,
            percent_complex_reflections: 45.0,
            percent_open_questions: 60.0,
        },
    )?;
    let today = Day::today();
    store.record(&aggregate, today)?;
    store.empty_write()?;
    let (mut records, mut clears, mut empties) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        empties.push(timed(|| Ok(store.empty_write()?))?.1);
        records.push(timed(|| Ok(store.record(&aggregate, today)?))?.1);
        clears.push(timed(|| Ok(store.clear_log()?))?.1);
    }
    let record_ms_max = records.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0);

    let mut filled = Store::open(&folder.path().join("filled"))?;
    let first_day = today.plus(-i64::from(DAYS));
    let fill = Fill { first_day, days: DAYS, scenarios: SCENARIOS, sessions_per_cell: 5, seed: 1 };
    let (fill_sessions, fill_time) = timed(|| Ok(synthetic::fill(&mut filled, &fill)?))?;
    let empty = Store::open(&folder.path().join("empty"))?;
    let policy = Policy { withhold_from: Some(today), ..Policy::standard() };
    let page_rounds = rounds.min(10);
    let (mut pages, mut empty_pages, mut scrapes) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..page_rounds {
        let (page, time) =
            timed(|| Ok(rapport_metrics::dashboard::render_from_store(&filled, &policy)?))?;
        std::hint::black_box(page);
        pages.push(time);
        let (page, time) =
            timed(|| Ok(rapport_metrics::dashboard::render_from_store(&empty, &policy)?))?;
        std::hint::black_box(page);
        empty_pages.push(time);
        let (body, time) = timed(|| {
            let cells =
                rapport_metrics::release::release(&filled.cells()?, &policy, &filled.noise_key()?)?;
            Ok(rapport_metrics::openmetrics::render(&cells))
        })?;
        std::hint::black_box(body);
        scrapes.push(time);
    }
    let figures = MetricsFigures {
        rounds,
        record_ms_median: median_ms(&mut records),
        record_ms_max,
        clear_log_ms_median: median_ms(&mut clears),
        empty_write_ms_median: median_ms(&mut empties),
        record_target_ms: RECORD_TARGET_MS,
        fill_cells: u64::from(DAYS) * u64::from(SCENARIOS),
        fill_sessions,
        fill_s: fill_time.as_secs_f64(),
        dashboard_ms_median: median_ms(&mut pages),
        dashboard_empty_ms_median: median_ms(&mut empty_pages),
        openmetrics_ms_median: median_ms(&mut scrapes),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        super::super::bench::write_json_line(&mut out, &figures)?;
    } else {
        writeln!(
            out,
            "bench metrics: {rounds} recordings, {page_rounds} dashboard renders (median)"
        )?;
        writeln!(out, "{:<52} {:>10}", "figure", "value")?;
        let row = |out: &mut std::io::StdoutLock<'_>, name: &str, value: f64| {
            writeln!(out, "{name:<52} {value:>10.3}")
        };
        row(&mut out, "record one session's aggregate (ms)", figures.record_ms_median)?;
        row(&mut out, "record one session's aggregate, max (ms)", figures.record_ms_max)?;
        row(
            &mut out,
            "then clear the log (checkpoint, truncate) (ms)",
            figures.clear_log_ms_median,
        )?;
        row(&mut out, "empty write transaction: baseline (ms)", figures.empty_write_ms_median)?;
        row(&mut out, "record target (ms)", RECORD_TARGET_MS)?;
        row(&mut out, "fill 730 days x 50 scenarios (s)", figures.fill_s)?;
        row(&mut out, "dashboard page, 2 years x 50 scenarios (ms)", figures.dashboard_ms_median)?;
        row(
            &mut out,
            "dashboard page, empty database: baseline (ms)",
            figures.dashboard_empty_ms_median,
        )?;
        row(&mut out, "/metrics body, 2 years x 50 scenarios (ms)", figures.openmetrics_ms_median)?;
    }
    Ok(ExitCode::SUCCESS)
}
