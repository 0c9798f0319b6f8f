//! `rapport session --scenario ID --remote ADDR`: a session that remote peers join from a
//! browser. The signalling server (`rapport-signalling`) serves the page and the WebSocket on
//! ADDR; the media (`rapport-media`) carries the audio; this module wires both to the engine.
//!
//! The kiosk's side is a line protocol, so tests and scripts can drive it headless: commands as
//! JSON lines on stdin (`{"command":"invite","role":"actor"}`, `{"command":"remove","peer":2}`,
//! `{"command":"say","text":"…"}` for a trainee utterance, `{"command":"end"}`), and on stdout
//! the session's events as `rapport session --script` prints them, plus `remote_listening`,
//! `pairing_code`, `remote_media` (a peer's connection state), `remote_level` (the kiosk
//! output's level, or an actor's voice's) and `remote_error`.

mod kiosk;
mod relay;

pub use kiosk::start as start_for_kiosk;
pub use relay::RemoteSettings;

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use rapport_media::{Media, MediaEvent};
use rapport_privacy::SecretText;
use rapport_session::{Event, Phase, Session, SessionEvent};
use rapport_signalling::{Handle, Input, TlsSource, Upward};
use rapport_wire::{PeerId, Role};
use serde::Deserialize;
use serde_json::json;
use tracing::info;

use super::session::{LineReader, find, start};
use crate::catalog;
use crate::cli::SessionArgs;
use crate::secret_io::{SecretReader, SecretWriter};

/// A kiosk command on stdin.
#[derive(Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
enum Command {
    /// Show a pairing code for a role.
    Invite { role: Role },
    /// Remove a peer at once.
    Remove { peer: u32 },
    /// The trainee said something (typed).
    Say { text: String },
    /// End the session.
    End,
}

enum Incoming {
    Signalling(Upward),
    Media(MediaEvent),
    Command(Command),
    BadCommand(usize),
    StdinClosed,
}

pub fn run(args: &SessionArgs, listen: SocketAddr) -> anyhow::Result<ExitCode> {
    let load = catalog::load(args.scenarios.as_deref())?;
    let scenario = find(&load.catalog, &args.scenario)?;
    let seed = args.seed.unwrap_or_else(|| {
        use std::hash::{BuildHasher as _, RandomState};
        RandomState::new().hash_one(std::process::id())
    });
    let tls = match (&args.remote_certificate, &args.remote_key) {
        (Some(certificate), Some(key)) => {
            TlsSource::Files { certificate: certificate.clone(), key: key.clone() }
        }
        _ => TlsSource::Generate,
    };
    let (incoming, inbox) = channel();
    let settings = RemoteSettings {
        listen,
        tls,
        ice_servers: args.remote_ice_server.clone(),
        video: args.remote_video,
        fed: false,
    };
    let relay::Remote { server, handle, media } =
        relay::start(settings, &incoming, Incoming::Signalling, Incoming::Media)?;
    spawn_stdin(incoming)?;

    let mut out = SecretWriter::stdout().context("while opening stdout")?;
    line(
        &mut out,
        &json!({"event": "remote_listening", "url": server.url(), "fingerprint": server.fingerprint()}),
    )?;
    info!(scenario = %scenario.id, "remote session starting");
    let (session, opening) = start(scenario, seed);
    handle.send(Input::SessionStarted);
    publish(&mut out, &handle, &opening)?;
    let mut station =
        Station { session, handle, media, url: server.url(), started: Instant::now(), voice: None };
    let result = station.serve(&inbox, &mut out);
    station.finish(&mut out)?;
    drop(station);
    drop(server);
    result
}

struct Station {
    session: Session,
    handle: Handle,
    media: Media,
    url: String,
    started: Instant,
    /// The actor holding the patient's voice, as the engine last said.
    voice: Option<rapport_session::PeerId>,
}

impl Station {
    fn serve(
        &mut self,
        inbox: &Receiver<Incoming>,
        out: &mut impl Write,
    ) -> anyhow::Result<ExitCode> {
        loop {
            let message = match inbox.recv_timeout(Duration::from_secs(1)) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    let elapsed_ms = self.started.elapsed().as_millis() as u64;
                    self.engine(out, Event::Tick { elapsed_ms })?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(ExitCode::SUCCESS),
            };
            match message {
                Incoming::Signalling(upward) => self.signalling(out, upward)?,
                Incoming::Media(event) => self.media_event(out, event)?,
                Incoming::Command(Command::Invite { role }) => {
                    self.handle.invite(role).context("while drawing a pairing code")?;
                }
                Incoming::Command(Command::Remove { peer }) => {
                    self.handle.send(Input::Remove { peer: PeerId(peer) });
                }
                Incoming::Command(Command::Say { text }) => {
                    self.engine(out, Event::TraineeSaid(SecretText::copy_from(&text)))?;
                }
                Incoming::Command(Command::End) | Incoming::StdinClosed => {
                    return Ok(ExitCode::SUCCESS);
                }
                Incoming::BadCommand(number) => {
                    line(
                        out,
                        &json!({"event": "remote_error", "error": "bad command", "line": number}),
                    )?;
                }
            }
            if self.session.phase() != Phase::Conversation {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }

    fn signalling(&mut self, out: &mut impl Write, upward: Upward) -> anyhow::Result<()> {
        match upward {
            Upward::Issued { code, role } => line(
                out,
                &json!({
                    "event": "pairing_code",
                    "code": code.as_str(),
                    "role": role,
                    "expires_in_s": rapport_signalling::pairing::CODE_LIFETIME.as_secs(),
                    "url": format!("{}#{}", self.url, code.as_str()),
                }),
            ),
            Upward::Peer(action) => {
                for event in relay::peer_events(action, self.voice) {
                    self.engine(out, event)?;
                }
                Ok(())
            }
            Upward::Media(command) => {
                if let Some(error) = relay::media_command(&self.media, &self.handle, command) {
                    line(out, &json!({"event": "remote_error", "error": error}))?;
                }
                Ok(())
            }
        }
    }

    fn media_event(&mut self, out: &mut impl Write, event: MediaEvent) -> anyhow::Result<()> {
        match relay::media_event(&self.handle, event) {
            Some(value) => line(out, &value),
            None => Ok(()),
        }
    }
    /// Feeds the engine; a refused event is reported and the session goes on. A joining actor
    /// or supervisor gets the brief, and after a patient's line the actor gets fresh suggestions.
    fn engine(&mut self, out: &mut impl Write, event: Event) -> anyhow::Result<()> {
        match self.session.handle(event) {
            Ok(events) => {
                publish(out, &self.handle, &events)?;
                for event in &events {
                    if let SessionEvent::PatientVoice { actor } = event {
                        self.voice = *actor;
                    }
                }
                for event in relay::follow_up(&self.session, &events) {
                    self.handle.send(Input::SessionEvent { event });
                }
                Ok(())
            }
            Err(error) => line(out, &json!({"event": "remote_error", "error": error.to_string()})),
        }
    }

    /// Ends the conversation, sends every peer away, and wipes.
    fn finish(&mut self, out: &mut impl Write) -> anyhow::Result<()> {
        if self.session.phase() == Phase::Conversation {
            let events = self.session.handle(Event::EndRequested).context("while ending")?;
            publish(out, &self.handle, &events)?;
        }
        self.handle.send(Input::SessionEnded);
        for peer in self.media.peers() {
            self.media.remove_peer(peer);
        }
        let wiped = self.session.handle(Event::Wipe).context("while wiping the session")?;
        publish(out, &self.handle, &wiped)?;
        // Give the signalling task a moment to deliver the last events and the goodbyes.
        std::thread::sleep(Duration::from_millis(200));
        Ok(())
    }
}

/// Prints the events and sends them to the peers whose role sees them.
fn publish(out: &mut impl Write, handle: &Handle, events: &[SessionEvent]) -> anyhow::Result<()> {
    for event in events {
        let value = serde_json::to_value(event).context("while encoding an event")?;
        line(out, &value)?;
        handle.send(Input::SessionEvent { event: value });
    }
    Ok(())
}

fn line(out: &mut impl Write, value: &serde_json::Value) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value).context("while writing an event")?;
    out.write_all(b"\n").context("while writing to stdout")?;
    out.flush().context("while writing to stdout")
}

fn spawn_stdin(to: Sender<Incoming>) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("remote-stdin".into())
        .spawn(move || {
            let Ok(reader) = SecretReader::stdin() else {
                let _ = to.send(Incoming::StdinClosed);
                return;
            };
            let mut lines = LineReader::new(reader);
            while let Ok(Some(text)) = lines.next_line() {
                let trimmed = text.expose().trim();
                if trimmed.is_empty() {
                    continue;
                }
                let message = match serde_json::from_str::<Command>(trimmed) {
                    Ok(command) => Incoming::Command(command),
                    Err(_) => Incoming::BadCommand(lines.number),
                };
                if to.send(message).is_err() {
                    return;
                }
            }
            let _ = to.send(Incoming::StdinClosed);
        })
        .context("while starting the stdin thread")?;
    Ok(())
}
