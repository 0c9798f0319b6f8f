//! The kiosk's voice: the same [`Conversation`] loop as every spoken session, on a thread of its
//! own, while the touchscreen holds the session. What the loop asks of the engine goes to the UI
//! thread and waits for the answer there ([`KioskEngine`]); what happens to the session on the
//! touchscreen (a typed line, "End conversation", the idle wipe) comes back as [`Aside`]s.
//!
//! ```text
//!  microphone ─► Conversation (voice thread) ──handle/preview──► Kiosk::spoken (UI thread)
//!                     ▲    │                                             │
//!                     │    └─► speaker: the patient's voice              │
//!                     └──────────── Aside (typed line, End, wipe) ◄──────┘
//! ```
//!
//! The models are loaded once, on the voice thread, and kept between conversations.

use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel, sync_channel};
use std::time::Duration;

use anyhow::Context as _;
use rapport_audio::{AudioInput, MicConfig, MicInput, SpeakerOutput, SpeakerSink};
use rapport_coding::Code;
use rapport_models::ModelStore;
use rapport_privacy::SecretText;
use rapport_session::{Event, SessionError, SessionEvent};
use rapport_speech::asr::WhisperModel;
use rapport_ui::{Kiosk, SpokenSession, VoiceLink, post_to_kiosk};
use tracing::{info, warn};

use super::stage::fed_when_hosting;
use super::{Aside, Conversation, Engine, Heard, Stage, TurnTaking, models};

/// How long the voice waits for the touchscreen to answer before it takes the session as gone.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// Where the kiosk's voice listens and speaks.
pub enum Devices {
    /// The microphone (through echo cancellation) and the loudspeaker, both ALSA device names.
    Alsa {
        /// The microphone.
        microphone: String,
        /// The loudspeaker.
        speaker: String,
        /// Where the conversation goes for remote peers, when the kiosk hosts them.
        feed: Option<rapport_media::StationFeed>,
    },
    /// A recording of the trainee's turns, read as fast as the loop takes it, and only the
    /// conversation's timing kept (tests, `rapport bench kiosk`).
    Recording {
        /// The recording (WAV or FLAC).
        path: std::path::PathBuf,
        /// Where the conversation goes for remote peers, when the kiosk hosts them.
        feed: Option<rapport_media::StationFeed>,
    },
}

/// What the touchscreen tells the voice.
enum Told {
    Start { opening: Vec<SecretText> },
    Elsewhere(Vec<Aside>),
    Stop,
}

/// The kiosk's end: tells the voice thread what happened on the touchscreen.
struct KioskEnd {
    voice: Sender<Told>,
}

impl KioskEnd {
    fn tell(&self, told: Told) {
        if self.voice.send(told).is_err() {
            warn!("the voice thread has stopped; the trainee can still type");
        }
    }
}

/// The patient's lines among `events`, and the end of the conversation.
fn asides(events: &[SessionEvent]) -> Vec<Aside> {
    events
        .iter()
        .filter_map(|event| match event {
            SessionEvent::Patient { text, .. } => {
                Some(Aside::PatientSays(SecretText::copy_from(text.expose())))
            }
            SessionEvent::Ended { .. } => Some(Aside::Ended),
            _ => None,
        })
        .collect()
}

impl SpokenSession for KioskEnd {
    fn start(&self, opening: &[SessionEvent]) {
        let opening = asides(opening)
            .into_iter()
            .filter_map(|aside| match aside {
                Aside::PatientSays(line) => Some(line),
                _ => None,
            })
            .collect();
        self.tell(Told::Start { opening });
    }

    fn elsewhere(&self, events: &[SessionEvent]) {
        let asides = asides(events);
        if !asides.is_empty() {
            self.tell(Told::Elsewhere(asides));
        }
    }

    fn stop(&self) {
        self.tell(Told::Stop);
    }
}

/// Starts the voice thread: it loads the models from `store` and waits for conversations.
pub fn start(
    store: ModelStore,
    whisper: WhisperModel,
    devices: Devices,
) -> anyhow::Result<VoiceLink> {
    let (voice, told) = channel();
    std::thread::Builder::new()
        .name("kiosk-voice".into())
        .spawn(move || {
            if let Err(error) = serve(&store, whisper, &devices, &told) {
                // Models that failed to load never turned the C heap's overwrite on.
                rapport_wipe::perturb_c_heap();
                warn!(error = %format!("{error:#}"), "the kiosk's voice stopped");
                post(|kiosk| kiosk.voice_lost());
            }
        })
        .context("while starting the voice thread")?;
    Ok(VoiceLink::new(KioskEnd { voice }))
}

/// Loads the models, then runs one conversation per `Start`. A conversation whose microphone
/// or speaker fails ends with a word to the kiosk, where the trainee goes on typing; the next
/// conversation tries the devices again.
fn serve(
    store: &ModelStore,
    whisper: WhisperModel,
    devices: &Devices,
    told: &Receiver<Told>,
) -> anyhow::Result<()> {
    let mut ears = models::ears(store, whisper)?;
    let mut voice = models::voice(store)?;
    info!("the kiosk's voice is ready");
    while let Ok(message) = told.recv() {
        let Told::Start { opening } = message else { continue };
        let (mut input, mut stage, turn_taking) = match open(devices) {
            Ok(opened) => opened,
            Err(error) => {
                warn!(error = %format!("{error:#}"), "the kiosk cannot listen");
                post(|kiosk| kiosk.voice_lost());
                continue;
            }
        };
        let engine = KioskEngine { told, opening, over: false };
        let mut conversation =
            Conversation::new(engine, ears, voice, stage.as_mut(), turn_taking, true);
        let outcome = conversation.run(&[], input.as_mut(), &mut heard);
        (ears, voice) = conversation.into_models();
        drop(input);
        drop(stage);
        match outcome {
            Ok(()) => info!("a spoken conversation ended"),
            Err(error) => {
                warn!(error = %format!("{error:#}"), "a spoken conversation lost its audio");
                post(|kiosk| kiosk.voice_lost());
            }
        }
    }
    Ok(())
}

type Opened = (Box<dyn AudioInput>, Box<dyn Stage>, TurnTaking);

fn open(devices: &Devices) -> anyhow::Result<Opened> {
    match devices {
        Devices::Alsa { microphone, speaker, feed } => {
            // The speaker first: the microphone's echo canceller listens to what it plays.
            let speaker = SpeakerOutput::open(SpeakerSink::Alsa { device: speaker.clone() })
                .with_context(|| format!("while opening the speaker {speaker}"))?;
            let mic = MicInput::open(&MicConfig::new(microphone))
                .with_context(|| format!("while opening the microphone {microphone}"))?;
            Ok((Box::new(mic), fed_when_hosting(speaker, feed.as_ref()), TurnTaking::Live))
        }
        Devices::Recording { path, feed } => {
            let input =
                rapport_audio::WavInput::open(path, rapport_audio::Pacing::AsFastAsPossible)
                    .with_context(|| format!("while opening {}", path.display()))?;
            let writer = rapport_audio::ConversationWriter::timing_only();
            Ok((Box::new(input), fed_when_hosting(writer, feed.as_ref()), TurnTaking::Wait))
        }
    }
}

/// What the conversation reports, for the touchscreen: the live caption and the early code. The
/// session's own events are on the screen already; the rest is timing.
fn heard(heard: Heard<'_>) -> anyhow::Result<()> {
    match heard {
        Heard::Caption(text) => {
            let text = SecretText::copy_from(text.expose());
            post(move |kiosk| kiosk.show_live_caption(&text));
        }
        Heard::EarlyCode(code) => post(move |kiosk| kiosk.show_early_code(code)),
        _ => {}
    }
    Ok(())
}

/// The session on the touchscreen, reached from the voice thread.
struct KioskEngine<'a> {
    told: &'a Receiver<Told>,
    /// The patient's opening line, said first.
    opening: Vec<SecretText>,
    /// The touchscreen said the conversation is over.
    over: bool,
}

impl KioskEngine<'_> {
    /// Runs `ask` on the UI thread and waits for its answer.
    fn ask<T: Send + 'static>(&self, ask: impl FnOnce(&Kiosk) -> T + Send + 'static) -> Option<T> {
        let (answer, answered) = sync_channel(1);
        post_to_kiosk(move |kiosk| {
            let _ = answer.send(ask(kiosk));
        })
        .ok()?;
        answered.recv_timeout(ANSWER_WITHIN).ok()
    }
}

impl Engine for KioskEngine<'_> {
    fn handle(&mut self, event: Event) -> Result<Vec<SessionEvent>, SessionError> {
        if self.over {
            return Err(SessionError::Ended);
        }
        self.ask(move |kiosk| kiosk.spoken(event)).unwrap_or(Err(SessionError::Ended))
    }

    fn preview_code(&self, text: &SecretText) -> Option<Code> {
        let text = SecretText::copy_from(text.expose());
        self.ask(move |kiosk| kiosk.preview_code(&text)).flatten()
    }

    fn elsewhere(&mut self) -> Vec<Aside> {
        let mut asides: Vec<Aside> = self.opening.drain(..).map(Aside::PatientSays).collect();
        loop {
            match self.told.try_recv() {
                Ok(Told::Elsewhere(more)) => asides.extend(more),
                Ok(Told::Stop) | Err(TryRecvError::Disconnected) => {
                    self.over = true;
                    asides.push(Aside::Hush);
                    break;
                }
                // A new conversation cannot start before this one stopped.
                Ok(Told::Start { .. }) => warn!("a conversation started before the last stopped"),
                Err(TryRecvError::Empty) => break,
            }
        }
        if asides.iter().any(|aside| matches!(aside, Aside::Ended)) {
            self.over = true;
        }
        asides
    }
}

fn post(action: impl FnOnce(&Kiosk) + Send + 'static) {
    if post_to_kiosk(action).is_err() {
        tracing::debug!("the kiosk's event loop has stopped");
    }
}
