//! `rapport bench kiosk`: the whole station in one process, as a kiosk with `[speech]` and
//! `[remote]` runs it, and its peak resident memory against the 600 MB ceiling of issue 3.
//!
//! The kiosk's UI on the headless software renderer at 1280×800 (a frame drawn every 50 ms of
//! wall time), the voice thread with every speech model, the remote peers' server and media on
//! loopback (no peer joins: their pipelines wait as a kiosk's do) fed the conversation, and the
//! session. The trainee's side is the demo's bundled recording, read as fast as the loop takes
//! it; the conversation runs to the patient's closing line and the summary screen, then is
//! wiped. Beside the kiosk's figure, the same recording through the spoken loop alone (`rapport
//! demo`: no UI, no remote side) in a child process of the same run, so the difference is what
//! the touchscreen and the remote side cost.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use nix::sys::resource::{UsageWho, getrusage};
use rapport_signalling::TlsSource;
use rapport_speech::asr::WhisperModel;
use rapport_ui::headless::Headless;
use rapport_ui::{Intent, Kiosk, KioskWindow, Screen};
use serde::Serialize;

use super::remote::{RemoteSettings, start_for_kiosk};
use crate::catalog;
use crate::cli::BenchArgs;
use crate::spoken::kiosk::Devices;

/// Issue 3's ceiling for the whole station.
const RESIDENT_TARGET_MB: f64 = 600.0;
/// How often a frame is drawn, in wall time.
const FRAME_EVERY: Duration = Duration::from_millis(50);
/// The conversation must reach its summary within this.
const LIMIT: Duration = Duration::from_secs(600);

#[derive(Serialize)]
struct KioskFigures {
    trainee_lines_coded: usize,
    patient_lines: usize,
    frames_drawn: u32,
    conversation_s: f64,
    spoken_loop_peak_resident_mb: f64,
    kiosk_peak_resident_mb: f64,
    resident_target_mb: f64,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let recording = super::demo::unpack_recording()?;
    let store = crate::spoken::models::store()?;

    eprintln!("bench kiosk: the spoken loop alone (`rapport demo`)…");
    let spoken_peak = spoken_loop_alone()?;

    eprintln!("bench kiosk: the kiosk with speech and remote peers…");
    let headless = Headless::install().context("while starting the headless renderer")?;
    headless.set_size(1280, 800);
    let settings = RemoteSettings {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        tls: TlsSource::Generate,
        ice_servers: Vec::new(),
        video: false,
        fed: true,
    };
    let (link, remote) =
        start_for_kiosk(settings).context("while starting the remote peers' server")?;
    let devices =
        Devices::Recording { path: recording.path().to_owned(), feed: remote.feed.clone() };
    let voice = crate::spoken::kiosk::start(store, WhisperModel::TinyEn, devices)?;
    let mut config = super::screens::kiosk_config();
    config.seed = Some(1);
    config.voice = Some(voice);
    config.remote = Some(link);
    let window = KioskWindow::new().context("while building the kiosk window")?;
    let kiosk = Kiosk::new(&window, config);
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(catalog::DEFAULT_SCENARIO.to_owned()));
    kiosk.handle(Intent::Start);
    anyhow::ensure!(kiosk.screen() == Screen::Conversation, "the conversation did not start");

    let started = Instant::now();
    let mut last_frame = Instant::now();
    let mut frames = 0_u32;
    while kiosk.screen() == Screen::Conversation {
        anyhow::ensure!(
            started.elapsed() < LIMIT,
            "the conversation did not reach its summary in {} s",
            LIMIT.as_secs()
        );
        if headless.run_posted() == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        if last_frame.elapsed() >= FRAME_EVERY {
            headless.advance(last_frame.elapsed());
            drop(headless.render());
            frames += 1;
            last_frame = Instant::now();
        }
    }
    let conversation_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(kiosk.screen() == Screen::Summary, "the kiosk left the conversation early");
    // The conversation screen keeps its lines until the wipe.
    let (trainee_lines_coded, patient_lines) = kiosk.lines_shown();
    let kiosk_peak = super::speech_bench::peak_resident_mb()?;
    kiosk.handle(Intent::Finish);
    headless.run_posted();
    drop(remote);

    let figures = KioskFigures {
        trainee_lines_coded,
        patient_lines,
        frames_drawn: frames,
        conversation_s,
        spoken_loop_peak_resident_mb: spoken_peak,
        kiosk_peak_resident_mb: kiosk_peak,
        resident_target_mb: RESIDENT_TARGET_MB,
    };
    print(args, &figures)?;
    Ok(ExitCode::SUCCESS)
}

/// The same recording through the spoken loop alone: `rapport demo` in a child process, whose
/// peak resident memory the kernel keeps for its parent.
fn spoken_loop_alone() -> anyhow::Result<f64> {
    let exe = std::env::current_exe().context("while finding this program")?;
    let status = std::process::Command::new(&exe)
        .arg("demo")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .with_context(|| format!("while running {} demo", exe.display()))?;
    anyhow::ensure!(status.success(), "`rapport demo` failed ({status}): run it for the message");
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).context("while reading the demo's usage")?;
    // Linux counts `ru_maxrss` in kilobytes.
    Ok(usage.max_rss() as f64 / 1024.0)
}

fn print(args: &BenchArgs, figures: &KioskFigures) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if args.json {
        return super::bench::write_json_line(&mut stdout, figures);
    }
    let f = figures;
    let verdict = if f.kiosk_peak_resident_mb < f.resident_target_mb { "met" } else { "NOT met" };
    writeln!(
        stdout,
        "the kiosk with speech and remote peers on the demo recording, headless at 1280x800\n\
         {:<52} {:>10}\n\
         {:<52} {:>10}\n\
         {:<52} {:>10}\n\
         {:<52} {:>10}\n\
         {:<52} {:>10.1}\n\
         {:<52} {:>10.0}\n\
         {:<52} {:>10.0}\n\
         peak resident {:.0} MB < {:.0} MB: {verdict}",
        "figure",
        "value",
        "trainee lines transcribed and coded on screen",
        f.trainee_lines_coded,
        "patient lines on screen",
        f.patient_lines,
        "frames drawn",
        f.frames_drawn,
        "conversation, wall time (s)",
        f.conversation_s,
        "spoken loop alone, peak resident (MB, baseline)",
        f.spoken_loop_peak_resident_mb,
        "whole kiosk, peak resident (MB)",
        f.kiosk_peak_resident_mb,
        f.kiosk_peak_resident_mb,
        f.resident_target_mb,
    )
    .context("while writing to stdout")
}
