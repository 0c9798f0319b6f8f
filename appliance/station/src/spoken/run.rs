//! The spoken sessions the command line runs: from a recording to a conversation file, or live
//! with a microphone and a speaker.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use rapport_audio::{
    ConversationWriter, MicConfig, MicInput, Pacing, SpeakerOutput, SpeakerSink, WavInput,
};
use rapport_models::ModelStore;
use rapport_scenario::Scenario;

use super::report;
use super::{Conversation, Heard, TurnTaking, models};
use crate::cli::WhisperArg;
use crate::commands::metrics::consent::Consent;
use crate::commands::session::start;
use crate::secret_io::SecretWriter;

/// How a spoken session runs.
#[derive(Clone, Copy, Debug)]
pub struct SpokenOptions {
    /// Which recogniser.
    pub whisper: WhisperArg,
    /// Whether to print live captions.
    pub captions: bool,
    /// How the input and the patient share time.
    pub turn_taking: TurnTaking,
}

/// `rapport session --audio-in IN --audio-out OUT`: the session's events as JSON lines on stdout,
/// the conversation (both voices) in `output`.
pub fn from_file(
    scenario: &Scenario,
    seed: u64,
    input: &Path,
    output: &Path,
    options: &SpokenOptions,
    mut consent: Consent,
) -> anyhow::Result<()> {
    let store = models::store()?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    if let Some(line) = consent.json_event() {
        out.write_all(line.as_bytes()).context("while writing to stdout")?;
    }
    play_recording(&store, scenario, seed, input, Some(output), options, &mut |heard| {
        if let Heard::Session(event) = &heard {
            consent.record(scenario, std::slice::from_ref(*event));
        }
        report::json(&mut out, &heard)
    })
}

/// Plays a whole session from the recording at `input`, reporting every event to `report`, and
/// writes the conversation to `output` when given; the session is wiped at the end (its last
/// event).
pub fn play_recording(
    store: &ModelStore,
    scenario: &Scenario,
    seed: u64,
    input: &Path,
    output: Option<&Path>,
    options: &SpokenOptions,
    report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let ears = models::ears(store, options.whisper.model())?;
    let voice = models::voice(store)?;
    let mut audio = WavInput::open(input, Pacing::AsFastAsPossible)
        .with_context(|| format!("while opening the trainee's audio {}", input.display()))?;
    // The samples are kept only when there is a file to write them to.
    let mut stage = if output.is_some() {
        ConversationWriter::new()
    } else {
        ConversationWriter::timing_only()
    };
    let (session, opening) = start(scenario, seed);
    let mut conversation =
        Conversation::new(session, ears, voice, &mut stage, options.turn_taking, options.captions);
    let outcome = conversation.run(&opening, &mut audio, report);
    let wiped = conversation.wipe()?;
    drop(conversation);
    if outcome.is_ok()
        && let Some(output) = output
    {
        stage
            .write_wav(output)
            .with_context(|| format!("while writing the conversation to {}", output.display()))?;
    }
    drop(stage);
    outcome?;
    for event in &wiped {
        report(Heard::Session(event))?;
    }
    Ok(())
}

/// `rapport session --mic DEVICE`: a spoken session at the terminal, with the microphone and the
/// default speaker; the trainee may cut the patient off.
pub fn live(
    scenario: &Scenario,
    seed: u64,
    device: &str,
    options: &SpokenOptions,
    mut consent: Consent,
) -> anyhow::Result<()> {
    let store = models::store()?;
    let ears = models::ears(&store, options.whisper.model())?;
    let voice = models::voice(&store)?;
    // The speaker first: the microphone's echo canceller listens to what it plays.
    let mut speaker = SpeakerOutput::open(SpeakerSink::Alsa { device: String::from("default") })
        .context("while opening the speaker")?;
    let mut mic = MicInput::open(&MicConfig::new(device))
        .with_context(|| format!("while opening the microphone {device}"))?;
    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    crate::render::brief(&mut out, scenario)?;
    writeln!(
        out,
        "Speak when you are ready; the session ends when you press Ctrl-C or the patient is done."
    )
    .context("while writing to stdout")?;
    let (session, opening) = start(scenario, seed);
    let mut conversation =
        Conversation::new(session, ears, voice, &mut speaker, TurnTaking::Live, options.captions);
    let outcome = conversation.run(&opening, &mut mic, &mut |heard| {
        if let Heard::Session(event) = &heard {
            consent.record(scenario, std::slice::from_ref(*event));
        }
        if let Heard::Caption(text) = &heard {
            writeln!(out, "     … {}", text.expose()).context("while writing to stdout")?;
        }
        report::terminal(&mut out, &heard)
    });
    let wiped = conversation.wipe()?;
    crate::render::events(&mut out, &wiped)?;
    outcome
}
