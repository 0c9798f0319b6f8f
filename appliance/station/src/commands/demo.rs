//! `rapport demo`: the station's main job on a built-in default — a spoken session with the
//! default scenario: the trainee's side is the bundled recording of a built-in script of good
//! motivational interviewing, heard by the speech recogniser, coded and answered in the patient's
//! voice, shown as the kiosk would show it, then wiped. `--text` plays the same script typed,
//! without the speech models.

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
use crate::spoken;

/// The trainee's lines of the demo.
const SCRIPT: &str = include_str!("../../demo/alcohol-weekend.txt");

/// The same lines, spoken (`demo/make-trainee-audio` makes it).
const RECORDING: &[u8] = include_bytes!("../../demo/alcohol-weekend-trainee.flac");

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    if args.text {
        return typed(args);
    }
    spoken(args)
}

/// The bundled recording in a temporary file, for the pipelines that read files. It is the
/// project's sample, not anyone's speech: a file on disk is fine.
pub(super) fn unpack_recording() -> anyhow::Result<tempfile::NamedTempFile> {
    let mut recording = tempfile::Builder::new()
        .prefix("rapport-demo-")
        .suffix(".flac")
        .tempfile()
        .context("while unpacking the demo recording")?;
    recording.write_all(RECORDING).context("while unpacking the demo recording")?;
    Ok(recording)
}

/// The spoken demo, from the bundled recording; the patient's voice goes to the conversation
/// file when one is asked for, and nowhere else (no sound device is needed).
fn spoken(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let load = catalog::builtin();
    let catalog = load.catalog;
    let scenario = find(&catalog, catalog::DEFAULT_SCENARIO)?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    let mut consent = Consent::open(&args.metrics);
    let recording = unpack_recording()?;
    let store = spoken::store_or_hint()?;
    render::brief(&mut out, scenario)?;
    writeln!(out, "{}", consent.marker()).context("while writing to stdout")?;
    writeln!(out, "(The trainee's side is a recording; what you read after \"You:\" is what the station heard.)\n")
        .context("while writing to stdout")?;
    let options = spoken::SpokenOptions {
        whisper: crate::cli::WhisperArg::TinyEn,
        captions: false,
        turn_taking: spoken::TurnTaking::Wait,
    };
    spoken::play_recording(
        &store,
        scenario,
        args.seed,
        recording.path(),
        args.audio_out.as_deref(),
        &options,
        &mut |heard| {
            if let spoken::Heard::Session(event) = &heard {
                consent.record(scenario, std::slice::from_ref(*event));
            }
            spoken::report::terminal(&mut out, &heard)
        },
    )?;
    out.flush().context("while writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// The typed demo: the script's lines as text.
fn typed(args: &DemoArgs) -> anyhow::Result<ExitCode> {
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
