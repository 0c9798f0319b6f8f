//! `rapport screens` (every kiosk screen to PNG), `rapport bench ui` (frame times of the software
//! renderer) and the kiosk itself: everything that puts the kiosk UI of `rapport-ui` on a screen.

use std::fs;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use rapport_ui::screens::{SIZES, ThemeChoice};
use rapport_ui::{KioskConfig, LabPin, MetricsRecorder};
use serde::Serialize;
use tracing::{info, warn};

use rapport_signalling::TlsSource;

use super::metrics::consent::{Consent, ConsentArgs};
use super::remote::RemoteSettings;
use crate::catalog;
use crate::cli::{BenchArgs, ScreensArgs, ScreensTheme};
use crate::config::StationConfig;
use crate::spoken::kiosk::Devices;

/// The kiosk's setup from the built-in catalog and the environment.
pub(super) fn kiosk_config() -> KioskConfig {
    let load = catalog::builtin();
    KioskConfig {
        catalog_problems: load.errors.iter().map(ToString::to_string).collect(),
        catalog: load.catalog,
        lab_pin: None,
        seed: None,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        dark: false,
        metrics: None,
        remote: None,
        voice: None,
    }
}

pub fn run(args: &ScreensArgs) -> anyhow::Result<ExitCode> {
    fs::create_dir_all(&args.out)
        .with_context(|| format!("while creating the folder {}", args.out.display()))?;
    let themes: Vec<ThemeChoice> = match args.theme {
        None => ThemeChoice::ALL.to_vec(),
        Some(ScreensTheme::Light) => vec![ThemeChoice::Light],
        Some(ScreensTheme::Dark) => vec![ThemeChoice::Dark],
    };
    let sizes: Vec<(u32, u32)> = args.size.map_or_else(|| SIZES.to_vec(), |size| vec![size]);
    let shots = rapport_ui::screens::render_screens(kiosk_config(), &args.out, &themes, &sizes)
        .context("while rendering the kiosk screens")?;
    let mut stdout = std::io::stdout().lock();
    for shot in &shots {
        writeln!(stdout, "{}", shot.path.display()).context("while writing to stdout")?;
    }
    info!(count = shots.len(), "screens rendered");
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct UiFigures {
    width: u32,
    height: u32,
    rounds: u32,
    conversation_frame_ms_median: f64,
    conversation_frame_ms_max: f64,
    attract_frame_ms_median: f64,
    frame_target_ms: f64,
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

pub fn bench(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let times = rapport_ui::bench::frame_times(kiosk_config(), (1280, 800), args.rounds)
        .context("while timing frames of the kiosk UI")?;
    let figures = UiFigures {
        width: times.size.0,
        height: times.size.1,
        rounds: times.rounds,
        conversation_frame_ms_median: ms(rapport_ui::bench::FrameTimes::median(
            &times.conversation,
        )),
        conversation_frame_ms_max: ms(times.conversation.last().copied().unwrap_or_default()),
        attract_frame_ms_median: ms(rapport_ui::bench::FrameTimes::median(&times.attract)),
        frame_target_ms: ms(rapport_ui::bench::FRAME_TARGET),
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        super::bench::write_json_line(&mut stdout, &figures)?;
    } else {
        let f = &figures;
        writeln!(
            stdout,
            "full frames with the software renderer, one thread, {}x{}, {} rounds",
            f.width, f.height, f.rounds
        )
        .and_then(|()| writeln!(stdout, "{:<34} {:>10}", "frame", "ms"))
        .and_then(|()| {
            writeln!(
                stdout,
                "{:<34} {:>10.2}",
                "conversation (median)", f.conversation_frame_ms_median
            )
        })
        .and_then(|()| {
            writeln!(
                stdout,
                "{:<34} {:>10.2}",
                "conversation (slowest)", f.conversation_frame_ms_max
            )
        })
        .and_then(|()| {
            writeln!(
                stdout,
                "{:<34} {:>10.2}",
                "attract, baseline (median)", f.attract_frame_ms_median
            )
        })
        .and_then(|()| writeln!(stdout, "{:<34} {:>10.2}", "target", f.frame_target_ms))
        .context("while writing to stdout")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The kiosk: the touchscreen UI on this build's screen backend (see `ui/README.md`).
pub fn kiosk(station: StationConfig) -> anyhow::Result<ExitCode> {
    let mut config = kiosk_config();
    config.lab_pin = match std::env::var("RAPPORT_LAB_PIN") {
        Ok(pin) => Some(LabPin::new(&pin).context("RAPPORT_LAB_PIN must be 4 to 12 digits")?),
        Err(_) => None,
    };
    config.dark = std::env::var("RAPPORT_THEME").is_ok_and(|theme| theme == "dark");
    // Remote peers, when the station's configuration has a `[remote]` table.
    let mut remote_side = None;
    // Peers hear the conversation itself when the kiosk listens; a tone stands for it otherwise.
    let fed = station.speech.is_some();
    if let Some(remote) = station.remote {
        let tls = match (remote.certificate, remote.key) {
            (Some(certificate), Some(key)) => TlsSource::Files { certificate, key },
            (None, None) => TlsSource::Generate,
            _ => anyhow::bail!("[remote] needs both `certificate` and `key`, or neither"),
        };
        let settings = RemoteSettings {
            listen: remote.listen,
            tls,
            ice_servers: remote.ice_servers,
            video: false,
            fed,
        };
        let (link, guard) = super::remote::start_for_kiosk(settings)
            .context("while starting the remote peers' server")?;
        config.remote = Some(link);
        remote_side = Some(guard);
    }
    // The trainee's voice, when the station's configuration has a `[speech]` table and the
    // models are in place; without them the trainee types, and the journal says why.
    if let Some(speech) = station.speech {
        match crate::spoken::models::store() {
            Ok(store) => {
                let whisper = speech.whisper.model();
                let feed = remote_side.as_ref().and_then(|remote| remote.feed.clone());
                let devices =
                    Devices::Alsa { microphone: speech.microphone, speaker: speech.speaker, feed };
                config.voice = Some(crate::spoken::kiosk::start(store, whisper, devices)?);
            }
            Err(error) => {
                warn!(error = %format!("{error:#}"), "the kiosk runs without speech");
                // No models will be loaded: the C heap's overwrite starts now.
                rapport_wipe::perturb_c_heap();
            }
        }
    }
    // A trainee who opts in on the consent screen has the session's aggregate recorded.
    config.metrics = Some(MetricsRecorder::new(|scenario, summary| {
        let args = ConsentArgs { consent_metrics: true, data_dir: None };
        Consent::open(&args).record(scenario, std::slice::from_ref(summary));
    }));
    rapport_ui::run_kiosk(config).context("while starting the kiosk UI")?;
    Ok(ExitCode::SUCCESS)
}
