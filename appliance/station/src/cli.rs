//! The command line (`../shared/DESIGN.md`, "The command line"): keep these shapes stable, since
//! tests, benchmarks and outside evaluations drive the station through them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A private practice station for therapeutic conversations.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, long_about = None)]
pub struct Cli {
    /// Run without the touchscreen UI.
    #[arg(long)]
    pub headless: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// A demo session on the built-in default scenario, played from a built-in script.
    Demo(DemoArgs),
    /// The scenario catalog.
    #[command(subcommand)]
    Scenarios(ScenariosCommand),
    /// Run one practice session.
    Session(Box<SessionArgs>),
    /// Code trainee utterances: JSON lines in on stdin, one JSON line out per input.
    Code,
    /// Prove the wipe: run a session in a child station with a canary, scan its memory before and
    /// after the wipe, and its logs and files; exit 1 on any trace after the wipe.
    WipeCheck(WipeCheckArgs),
    /// Benchmarks; each prints a table, or one JSON object with --json.
    Bench(BenchArgs),
    /// The lab's anonymous aggregates: the HTTPS dashboard and /metrics, export, erase.
    #[command(subcommand)]
    Metrics(crate::commands::metrics::MetricsCommand),
    /// Render every kiosk screen, in each theme and size, to PNG files.
    Screens(ScreensArgs),
    /// The child station that `wipe-check` drives (a line protocol on stdin; not for people).
    #[command(hide = true)]
    WipeCheckStation(WipeCheckStationArgs),
}

/// Options of `rapport screens`.
#[derive(Debug, Args)]
pub struct ScreensArgs {
    /// The folder to write the PNG files to (created when missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Only this theme (both when left out).
    #[arg(long, value_enum)]
    pub theme: Option<ScreensTheme>,
    /// Only this size, WIDTHxHEIGHT (1280x800 and 1920x1080 when left out).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
}

/// The kiosk's themes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ScreensTheme {
    /// For bright rooms.
    Light,
    /// For dimmed labs.
    Dark,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (width, height) = text
        .split_once('x')
        .ok_or_else(|| format!("expected WIDTHxHEIGHT such as 1280x800, got {text:?}"))?;
    let number = |part: &str| {
        part.parse::<u32>()
            .ok()
            .filter(|n| (320..=7680).contains(n))
            .ok_or_else(|| format!("{part:?} is not a size between 320 and 7680 pixels"))
    };
    Ok((number(width)?, number(height)?))
}

/// Options of `rapport wipe-check`.
#[derive(Debug, Args)]
pub struct WipeCheckArgs {
    /// Seed of the canary and of the patient (random when left out).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The scenario of the session.
    #[arg(long, default_value = "alcohol-weekend")]
    pub scenario: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Make the child station leak every trainee utterance on purpose, to show the check fails.
    #[arg(long, hide = true)]
    pub danger_leak: bool,
}

/// Options of the hidden child station.
#[derive(Debug, Args)]
pub struct WipeCheckStationArgs {
    /// The scenario of the session.
    #[arg(long)]
    pub scenario: String,
    /// Seed of the patient.
    #[arg(long)]
    pub seed: u64,
    /// Keep a copy of every trainee utterance forever (a deliberate leak).
    #[arg(long)]
    pub danger_leak: bool,
}

/// Options of `rapport bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum)]
    pub area: BenchArea,
    /// The data folder of `bench coder` (AnnoMI's CSV files).
    pub data: Option<std::path::PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// How many sessions to time for each variant.
    #[arg(long, default_value_t = 30)]
    pub rounds: u32,
}

/// The benchmark areas.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum BenchArea {
    /// The wipe's duration, and the wiping allocator's cost on a scripted session.
    Wipe,
    /// A full frame of the conversation screen at 1280×800 with the software renderer.
    Ui,
    /// Recording one session's aggregates, and the dashboard with two years of 50 scenarios.
    Metrics,
    /// Remote peers on loopback with headless chromium: join time, latency, CPU per peer.
    Remote,
    /// The trained coder against the rule coder and a TF-IDF baseline on held-out AnnoMI
    /// transcripts (needs the data folder).
    Coder,
    /// Speech on the device: word error rate, end of speech to transcript, code and the
    /// patient's first audio, real-time factors, peak memory; tuned whisper against its defaults.
    Speech,
    /// The whole kiosk (UI, speech, remote peers' server and media) on the demo recording: its
    /// peak resident memory, beside the spoken loop's alone.
    Kiosk,
}

/// `--turn-taking` of a spoken session from a recording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TurnTakingArg {
    /// The recording waits while the patient speaks.
    Wait,
    /// The recording never waits; speaking over the patient stops the patient.
    Live,
}

/// `--whisper`, and `whisper` in the configuration's `[speech]`: which recogniser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhisperArg {
    /// Whisper tiny.en: fast enough for conversation on the device's CPU.
    #[default]
    TinyEn,
    /// Whisper base: more accurate, slower.
    Base,
}

impl WhisperArg {
    /// The model it names.
    pub fn model(self) -> rapport_speech::asr::WhisperModel {
        match self {
            WhisperArg::TinyEn => rapport_speech::asr::WhisperModel::TinyEn,
            WhisperArg::Base => rapport_speech::asr::WhisperModel::Base,
        }
    }
}

/// Options of `rapport demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the simulated patient.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// The typed demo: the trainee's lines as text, without the speech models.
    #[arg(long)]
    pub text: bool,
    /// Also write the spoken demo's conversation (both voices) to this WAV file.
    #[arg(long, value_name = "WAV", conflicts_with = "text")]
    pub audio_out: Option<PathBuf>,
    #[command(flatten)]
    pub metrics: crate::commands::metrics::consent::ConsentArgs,
}

/// `rapport scenarios …`
#[derive(Debug, Subcommand)]
pub enum ScenariosCommand {
    /// List the catalog (the built-in one, or the scenarios in DIR).
    List {
        /// A folder of scenario files.
        dir: Option<PathBuf>,
    },
    /// Validate every scenario file; exit 1 with file:line errors on any bad file.
    Check {
        /// A folder of scenario files (the built-in catalog when left out).
        dir: Option<PathBuf>,
    },
}

/// Options of `rapport session`.
#[derive(Debug, Args)]
pub struct SessionArgs {
    /// The scenario's id (see `rapport scenarios list`).
    #[arg(long)]
    pub scenario: String,
    /// Load scenarios from this folder instead of the built-in catalog.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// A file of trainee lines, one per line; prints the session's events as JSON lines.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["audio_in", "audio_out"])]
    pub script: Option<PathBuf>,
    /// A spoken session from a recording of the trainee (WAV, or any audio GStreamer decodes);
    /// prints the session's events as JSON lines.
    #[arg(long, value_name = "WAV", requires = "audio_out")]
    pub audio_in: Option<PathBuf>,
    /// Where to write the whole conversation (both voices, 16 kHz WAV), for `--audio-in`.
    #[arg(long, value_name = "WAV", requires = "audio_in")]
    pub audio_out: Option<PathBuf>,
    /// How the recording and the patient share time: `wait` (a recording of the trainee's turns,
    /// which waits while the patient speaks) or `live` (a recording of a microphone: speaking over
    /// the patient stops the patient).
    #[arg(long, value_enum, default_value_t = TurnTakingArg::Wait, requires = "audio_in")]
    pub turn_taking: TurnTakingArg,
    /// A spoken session with this ALSA microphone (`default`, `hw:1,0`…) and the default speaker.
    #[arg(long, value_name = "DEVICE", conflicts_with_all = ["script", "audio_in"])]
    pub mic: Option<String>,
    /// The speech recogniser: Whisper tiny.en (default, fast) or base (more accurate; fetch it
    /// with `models/fetch --with whisper-base`).
    #[arg(long, value_enum, default_value_t = WhisperArg::TinyEn)]
    pub whisper: WhisperArg,
    /// Print live captions while the trainee speaks (spoken sessions).
    #[arg(long)]
    pub captions: bool,
    /// Seed of the simulated patient (random when left out).
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub metrics: crate::commands::metrics::consent::ConsentArgs,
    /// Host remote peers on ADDR (HTTPS and WebSocket); kiosk commands as JSON lines on stdin.
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["script", "audio_in", "audio_out"])]
    pub remote: Option<std::net::SocketAddr>,
    /// The remote server's certificate (PEM); one is generated at start-up when left out.
    #[arg(long, value_name = "PEM", requires_all = ["remote", "remote_key"])]
    pub remote_certificate: Option<PathBuf>,
    /// The key of --remote-certificate (PEM).
    #[arg(long, value_name = "PEM", requires = "remote_certificate")]
    pub remote_key: Option<PathBuf>,
    /// Send remote supervisors and observers a video (a test pattern until the camera lands).
    #[arg(long, requires = "remote")]
    pub remote_video: bool,
    /// A STUN or TURN server for remote peers (none by default: a LAN needs none).
    #[arg(long, value_name = "URL", requires = "remote")]
    pub remote_ice_server: Vec<String>,
}
