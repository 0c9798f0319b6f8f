//! Spoken sessions: the trainee's voice in, the patient's voice out, on one conversation clock.
//!
//! [`Conversation`] is the loop every spoken session runs, from a microphone or from a file:
//! each 32 ms frame of the trainee's audio goes to the [`Listener`] (voice activity and
//! endpointing); a finished utterance goes to whisper, then into the session engine as an
//! [`Event::TraineeSpoke`] with its timing; each patient line is synthesized sentence by sentence
//! and queued on the [`Stage`] (a speaker, or the conversation file), one sentence ahead, so the
//! first words play while the rest is made. When the trainee pauses, the utterance so far is
//! transcribed and its code shown at once (an early code); if the pause turns out to be the end
//! of the utterance, that transcript is the one the engine gets, so the patient answers as soon
//! as the endpointer is sure. When the trainee starts speaking over the patient,
//! the patient stops at once (barge-in), and both sides' timing reaches the engine, which turns it
//! into talk share and interruptions.
//!
//! Time is the input's: positions are 16 kHz samples since the conversation began, so a file
//! plays out exactly as a microphone would have heard it, however fast the machine is.

pub mod kiosk;
pub mod models;
pub mod report;
mod run;
mod stage;

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::Context as _;
use rapport_audio::{AudioFrame, AudioInput, FRAME_SAMPLES, PcmChunk, PlaybackEvent};
use rapport_coding::Code;
use rapport_privacy::SecretText;
use rapport_session::{Event, Session, SessionError, SessionEvent, SpeechTiming};
use rapport_speech::voice::sentences;
use rapport_speech::{ListenEvent, Listener, Recognizer, SileroVad, Voice};
use zeroize::Zeroizing;

pub use models::store_or_hint;
pub use run::{SpokenOptions, from_file, live, play_recording};
pub use stage::{Stage, TurnTaking};

/// The conversation clock's rate: the trainee's audio, 16 kHz.
pub const RATE: u64 = 16_000;

/// Chunks of the patient's voice kept on the stage: the one being heard and the next.
const AHEAD: usize = 2;

/// How often a live caption is refreshed while the trainee speaks, in samples (one second).
const CAPTION_EVERY: u64 = RATE;

/// What a spoken session reports, besides the engine's own events.
#[derive(Debug)]
pub enum Heard<'a> {
    /// An event of the session engine.
    Session(&'a SessionEvent),
    /// The trainee started speaking.
    SpeechStarted {
        /// When, in milliseconds since the conversation began.
        at_ms: u64,
    },
    /// A live caption of what the trainee is saying (it is refined until the utterance ends).
    Caption(&'a SecretText),
    /// The trainee spoke over the patient, who stopped.
    BargeIn {
        /// When.
        at_ms: u64,
    },
    /// Speech was heard but no words came out of it (a cough, a mumble): nothing is coded.
    NotUnderstood {
        /// When the speech ended.
        at_ms: u64,
    },
    /// The patient's voice stopped: a whole line, or cut off by barge-in.
    PatientVoice(SpeechTiming),
    /// The code of the utterance so far, shown when the trainee pauses; the engine's code
    /// follows when the utterance ends (the same, unless the trainee went on speaking).
    EarlyCode(Code),
    /// How long the station took, in wall time, from the end of an utterance to each step.
    Latency(Latency),
}

/// Wall-clock time from the endpointer's decision that an utterance ended.
#[derive(Clone, Copy, Debug, Default)]
pub struct Latency {
    /// To the final transcript.
    pub transcript_ms: f64,
    /// To the code of the utterance.
    pub code_ms: f64,
    /// To the first audio of the patient's reply, queued on the stage.
    pub first_audio_ms: Option<f64>,
    /// When the utterance ended where a pause had suggested: how long the early transcript and
    /// code took from that pause (the transcript was reused, so `transcript_ms` is about 0).
    pub early_ms: Option<f64>,
}

/// The transcript of a pause, kept until the utterance ends or goes on.
struct Early {
    /// The audio it was made from, as stream samples.
    span: (u64, u64),
    text: SecretText,
    /// Wall time the transcript and its code took.
    compute_ms: f64,
}

/// The session engine as a spoken conversation reaches it: the engine itself, or (on the kiosk)
/// the session the touchscreen holds, reached from the conversation's thread.
pub trait Engine {
    /// Feeds one event; returns what the engine answered.
    fn handle(&mut self, event: Event) -> Result<Vec<SessionEvent>, SessionError>;
    /// The code `text` would get now, without taking it (`None` when the session is gone).
    fn preview_code(&self, text: &SecretText) -> Option<Code>;
    /// What happened to the session other than through this conversation (a typed line, the
    /// trainee's "End", the idle wipe), for the conversation to voice or to stop on.
    fn elsewhere(&mut self) -> Vec<Aside> {
        Vec::new()
    }
}

impl Engine for Session {
    fn handle(&mut self, event: Event) -> Result<Vec<SessionEvent>, SessionError> {
        Session::handle(self, event)
    }

    fn preview_code(&self, text: &SecretText) -> Option<Code> {
        Some(Session::preview_code(self, text))
    }
}

/// Something that happened to the session away from the conversation's own audio.
#[derive(Debug)]
pub enum Aside {
    /// A line the patient says (the patient answered a typed line, or spoke first).
    PatientSays(SecretText),
    /// The conversation ended: the patient finishes the line being said, then the loop stops.
    Ended,
    /// The session was wiped: the patient stops at once and the loop stops.
    Hush,
}

/// The models a spoken session needs.
pub struct Ears {
    /// Voice activity and endpointing.
    pub listener: Listener<SileroVad>,
    /// Speech recognition.
    pub recognizer: Box<dyn Recognizer + Send>,
}

/// One spoken session: the engine, the models, the stage, the clock.
pub struct Conversation<'s> {
    session: Box<dyn Engine + 's>,
    ears: Ears,
    voice: Box<dyn Voice + Send>,
    stage: &'s mut dyn Stage,
    turn_taking: TurnTaking,
    captions: bool,
    /// Sentences of the patient's current line not synthesized yet.
    to_say: VecDeque<SecretText>,
    /// Chunks queued on the stage and not yet finished or stopped.
    queued: usize,
    /// When the patient's current line started to be heard.
    patient_from: Option<u64>,
    /// When the open utterance started, and whether it cut into the patient.
    trainee_from: Option<(u64, bool)>,
    last_caption: u64,
    /// The transcript of the current pause, if the trainee paused.
    early: Option<Early>,
    /// The conversation clock, in samples.
    clock: u64,
    ended: bool,
}

impl std::fmt::Debug for Conversation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversation")
            .field("clock", &self.clock)
            .field("queued", &self.queued)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl<'s> Conversation<'s> {
    /// A conversation around a started `session`, whose opening events are `opening`.
    pub fn new(
        session: impl Engine + 's,
        ears: Ears,
        voice: Box<dyn Voice + Send>,
        stage: &'s mut dyn Stage,
        turn_taking: TurnTaking,
        captions: bool,
    ) -> Self {
        Self {
            session: Box::new(session),
            ears,
            voice,
            stage,
            turn_taking,
            captions,
            to_say: VecDeque::new(),
            queued: 0,
            patient_from: None,
            trainee_from: None,
            last_caption: 0,
            early: None,
            clock: 0,
            ended: false,
        }
    }

    /// Runs the whole conversation from `input`: the opening line, every utterance, the end
    /// (requested when the input runs out), the summary; then lets the last line finish.
    /// `report` sees every event; the session is left ended but not wiped.
    pub fn run(
        &mut self,
        opening: &[SessionEvent],
        input: &mut dyn AudioInput,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        self.session_events(opening, None, report)?;
        while !self.ended {
            if self.turn_taking == TurnTaking::Wait && self.patient_speaking() {
                self.silence(report)?;
                continue;
            }
            let Some(frame) = input.next_frame().context("while reading the trainee's audio")?
            else {
                break;
            };
            self.frame(frame.samples(), report)?;
        }
        if !self.ended {
            for event in self.ears.listener.finish().context("while ending the last utterance")? {
                self.listened(event, report)?;
            }
        }
        if !self.ended {
            match self.session.handle(Event::EndRequested) {
                Ok(events) => self.session_events(&events, None, report)?,
                Err(SessionError::Ended) => {}
                Err(error) => return Err(error).context("while ending the session"),
            }
        }
        // The closing line plays out.
        let mut guard = 0_u32;
        while self.patient_speaking() && guard < 30 * 60 * 1000 / 32 {
            self.silence(report)?;
            guard += 1;
        }
        Ok(())
    }

    /// Feeds one frame of the trainee's audio (any length, 16 kHz mono).
    pub fn frame(
        &mut self,
        samples: &[f32],
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let frame = AudioFrame::new(self.clock, Zeroizing::new(samples.to_vec()));
        self.stage.heard(&frame);
        self.clock = frame.end();
        self.playback(report)?;
        for aside in self.session.elsewhere() {
            self.aside(aside)?;
        }
        self.say_ahead(AHEAD)?;
        if self.ended {
            // Only the patient's last words are left to play.
            return Ok(());
        }
        let events = self.ears.listener.push(samples).context("while listening")?;
        for event in events {
            self.listened(event, report)?;
            if self.ended {
                return Ok(());
            }
        }
        if self.captions
            && self.ears.listener.in_speech()
            && self.clock.saturating_sub(self.last_caption) >= CAPTION_EVERY
        {
            self.last_caption = self.clock;
            if let Some(current) = self.ears.listener.current() {
                let caption = self.ears.recognizer.partial(current).context("while captioning")?;
                if !caption.expose().trim().is_empty() {
                    report(Heard::Caption(&caption))?;
                }
            }
        }
        Ok(())
    }

    fn aside(&mut self, aside: Aside) -> anyhow::Result<()> {
        match aside {
            Aside::PatientSays(line) => {
                self.to_say.extend(sentences(line.expose()).map(SecretText::copy_from));
            }
            Aside::Ended => self.ended = true,
            Aside::Hush => {
                self.ended = true;
                self.to_say.clear();
                self.stage.stop().context("while stopping the patient")?;
                while self.stage.poll_event().context("while stopping the patient")?.is_some() {}
                self.queued = 0;
                self.patient_from = None;
            }
        }
        Ok(())
    }

    /// Gives the models back, for the next conversation.
    pub fn into_models(self) -> (Ears, Box<dyn Voice + Send>) {
        (self.ears, self.voice)
    }

    /// One frame of silence on the input: the trainee is waiting for the patient.
    fn silence(
        &mut self,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let quiet = [0.0_f32; FRAME_SAMPLES];
        self.frame(&quiet, report)
    }

    fn patient_speaking(&self) -> bool {
        self.queued > 0 || !self.to_say.is_empty()
    }

    fn ms(&self, position: u64) -> u64 {
        position * 1000 / RATE
    }

    /// Follows the stage: when the patient's line started and finished.
    fn playback(
        &mut self,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        while let Some(event) = self.stage.poll_event().context("while playing the patient")? {
            match event {
                PlaybackEvent::Started(_) => {
                    self.patient_from.get_or_insert(self.clock);
                }
                PlaybackEvent::Finished(_) | PlaybackEvent::Stopped(_) => {
                    self.queued = self.queued.saturating_sub(1);
                }
            }
        }
        if self.queued == 0
            && self.to_say.is_empty()
            && let Some(from) = self.patient_from.take()
        {
            self.patient_done(from, false, report)?;
        }
        Ok(())
    }

    fn patient_done(
        &mut self,
        from: u64,
        interrupted: bool,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let timing =
            SpeechTiming { started_ms: self.ms(from), ended_ms: self.ms(self.clock), interrupted };
        report(Heard::PatientVoice(timing))?;
        match self.session.handle(Event::PatientSpoke { timing }) {
            Ok(events) => self.session_events(&events, None, report),
            Err(SessionError::Ended) => Ok(()),
            Err(error) => Err(error).context("while timing the patient's line"),
        }
    }

    /// Synthesizes and queues sentences until `ahead` chunks are on the stage: the one being
    /// heard and the next ([`AHEAD`]) on every frame, only the first when a line starts, so it
    /// plays before the second is made.
    fn say_ahead(&mut self, ahead: usize) -> anyhow::Result<()> {
        while self.queued < ahead {
            let Some(sentence) = self.to_say.pop_front() else { break };
            let audio =
                self.voice.sentence(sentence.expose()).context("while voicing the patient")?;
            if audio.is_empty() {
                continue;
            }
            let chunk = PcmChunk::new(audio.rate(), Zeroizing::new(audio.samples().to_vec()))
                .context("while queueing the patient's voice")?;
            self.stage.play(chunk).context("while playing the patient")?;
            self.queued += 1;
        }
        Ok(())
    }

    fn listened(
        &mut self,
        event: ListenEvent,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        match event {
            ListenEvent::Started => {
                let open = self.ears.listener.current().map_or(0, <[f32]>::len) as u64;
                let start = self.clock.saturating_sub(open);
                let barge_in = self.patient_speaking();
                self.trainee_from = Some((start, barge_in));
                self.last_caption = self.clock;
                self.early = None;
                report(Heard::SpeechStarted { at_ms: self.ms(start) })?;
                if barge_in {
                    self.stage.stop().context("while stopping the patient")?;
                    self.to_say.clear();
                    // Every queued chunk now reports that it stopped; none is left playing.
                    while self.stage.poll_event().context("while stopping the patient")?.is_some() {
                    }
                    self.queued = 0;
                    report(Heard::BargeIn { at_ms: self.ms(self.clock) })?;
                    let from = self.patient_from.take().unwrap_or(self.clock);
                    self.patient_done(from, true, report)?;
                }
            }
            ListenEvent::Paused { audio, span } => {
                let paused = Instant::now();
                let text = self
                    .ears
                    .recognizer
                    .final_text(audio.samples())
                    .context("while transcribing")?;
                drop(audio);
                if text.expose().trim().is_empty() {
                    self.early = None;
                    return Ok(());
                }
                let code = self.session.preview_code(&text);
                let compute_ms = elapsed_ms(paused);
                self.early = Some(Early { span, text, compute_ms });
                if let Some(code) = code {
                    report(Heard::EarlyCode(code))?;
                }
            }
            ListenEvent::Ended { audio, span, .. } => {
                let decided = Instant::now();
                let ended = self.clock;
                let (start, interrupted) = self
                    .trainee_from
                    .take()
                    .unwrap_or((ended.saturating_sub(audio.len() as u64), false));
                let early = self.early.take().filter(|early| early.span == span);
                let early_ms = early.as_ref().map(|early| early.compute_ms);
                let text = match early {
                    Some(early) => early.text,
                    None => self
                        .ears
                        .recognizer
                        .final_text(audio.samples())
                        .context("while transcribing")?,
                };
                drop(audio);
                let transcript_ms = elapsed_ms(decided);
                if text.expose().trim().is_empty() {
                    return report(Heard::NotUnderstood { at_ms: self.ms(ended) });
                }
                let timing = SpeechTiming {
                    started_ms: self.ms(start),
                    ended_ms: self.ms(ended),
                    interrupted,
                };
                let events = match self.session.handle(Event::TraineeSpoke { text, timing }) {
                    Ok(events) => events,
                    Err(SessionError::Ended) => {
                        self.ended = true;
                        return Ok(());
                    }
                    Err(error) => return Err(error).context("while coding the utterance"),
                };
                let code_ms = elapsed_ms(decided);
                let mut latency =
                    Latency { transcript_ms, code_ms, first_audio_ms: None, early_ms };
                self.session_events(&events, Some((decided, &mut latency)), report)?;
                report(Heard::Latency(latency))?;
            }
        }
        Ok(())
    }

    /// Reports the engine's events and starts voicing the patient's lines among them.
    fn session_events(
        &mut self,
        events: &[SessionEvent],
        mut timing: Option<(Instant, &mut Latency)>,
        report: &mut dyn FnMut(Heard<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        for event in events {
            report(Heard::Session(event))?;
            match event {
                SessionEvent::Patient { text, .. } => {
                    self.to_say.extend(sentences(text.expose()).map(SecretText::copy_from));
                    // The first sentence goes to the stage now; the next is made on the next
                    // frame, while this one plays.
                    self.say_ahead(1)?;
                    if let Some((decided, latency)) = timing.as_mut()
                        && latency.first_audio_ms.is_none()
                    {
                        latency.first_audio_ms = Some(elapsed_ms(*decided));
                    }
                }
                SessionEvent::Ended { .. } => self.ended = true,
                _ => {}
            }
        }
        Ok(())
    }

    /// Wipes the session: what the engine held and the patient's lines not yet voiced. The
    /// listener's audio buffer wipes itself when the conversation is dropped, which every caller
    /// does right after.
    pub fn wipe(&mut self) -> anyhow::Result<Vec<SessionEvent>> {
        self.to_say.clear();
        self.session.handle(Event::Wipe).context("while wiping the session")
    }
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
