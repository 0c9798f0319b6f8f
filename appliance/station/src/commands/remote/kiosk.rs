//! The kiosk's remote side. The touchscreen runs on the UI thread and owns the session; the
//! signalling server, the media and a hub thread run beside it. The kiosk asks through
//! [`RemotePeers`] (draw a code, remove a peer, pass the session's events on); the hub answers
//! through [`post_to_kiosk`] (a code to show, a peer who joined, left, nudged or spoke).
//!
//! ```text
//!  UI thread (Kiosk, Session) ──ToHub──► hub thread ──► signalling server ──► browsers
//!        ▲                                 │    ▲                 │
//!        └──────── post_to_kiosk ──────────┘    └── Upward ◄──────┘
//!                                               └── MediaEvent ◄── media (webrtcbin per peer)
//! ```

use std::sync::mpsc::{Receiver, Sender, channel};

use anyhow::Context as _;
use rapport_media::MediaEvent;
use rapport_session::{PeerId, Role, Session, SessionEvent};
use rapport_signalling::{Input, Upward};
use rapport_ui::{Invitation, RemoteAddress, RemoteLink, RemotePeers, post_to_kiosk};
use serde_json::Value;
use tracing::{debug, info, warn};

use super::relay::{self, Remote, RemoteSettings};

/// What the kiosk asks of the hub.
enum ToHub {
    Invite(Role),
    Remove(PeerId),
    Started,
    /// Event lines for the peers, and who holds the patient's voice after them.
    Publish {
        lines: Vec<Value>,
        voice: Option<Option<PeerId>>,
    },
    Ended,
}

/// Everything the hub hears.
enum Heard {
    Kiosk(ToHub),
    Signalling(Upward),
    Media(MediaEvent),
    /// The kiosk is closing: send everyone away and stop.
    Shutdown,
}

/// The kiosk's end: sends what the kiosk asks to the hub.
struct KioskEnd {
    hub: Sender<Heard>,
}

impl KioskEnd {
    fn ask(&self, request: ToHub) {
        if self.hub.send(Heard::Kiosk(request)).is_err() {
            warn!("the remote hub has stopped; remote peers are unavailable");
        }
    }
}

impl RemotePeers for KioskEnd {
    fn invite(&self, role: Role) {
        self.ask(ToHub::Invite(role));
    }

    fn remove(&self, peer: PeerId) {
        self.ask(ToHub::Remove(peer));
    }

    fn session_started(&self, _session: &Session) {
        self.ask(ToHub::Started);
    }

    fn publish(&self, session: &Session, events: &[SessionEvent]) {
        let mut lines = Vec::with_capacity(events.len() + 3);
        let mut voice = None;
        for event in events {
            match serde_json::to_value(event) {
                Ok(value) => lines.push(value),
                Err(error) => warn!(error = %error, "an event could not be encoded for the peers"),
            }
            if let SessionEvent::PatientVoice { actor } = event {
                voice = Some(*actor);
            }
        }
        lines.extend(relay::follow_up(session, events));
        self.ask(ToHub::Publish { lines, voice });
    }

    fn session_ended(&self) {
        self.ask(ToHub::Ended);
    }
}

/// The running remote side; dropping it sends every peer away and stops the server.
pub struct KioskRemote {
    hub: Sender<Heard>,
    /// Where the kiosk's voice pushes the conversation for the peers, when it is fed.
    pub feed: Option<rapport_media::StationFeed>,
}

impl Drop for KioskRemote {
    fn drop(&mut self) {
        // A hub that already stopped has nothing left to stop.
        let _ = self.hub.send(Heard::Shutdown);
    }
}

/// Starts the server, the media and the hub; returns the link the kiosk holds and the guard
/// that keeps the server up.
pub fn start(settings: RemoteSettings) -> anyhow::Result<(RemoteLink, KioskRemote)> {
    let (to_hub, heard) = channel();
    let remote = relay::start(settings, &to_hub, Heard::Signalling, Heard::Media)?;
    let address = RemoteAddress {
        url: remote.server.url(),
        fingerprint: remote.server.fingerprint().to_owned(),
    };
    let feed = remote.media.station_feed();
    info!("remote peers can join");
    std::thread::Builder::new()
        .name("remote-hub".into())
        .spawn(move || Hub { remote, voice: None }.run(&heard))
        .context("while starting the remote hub")?;
    let guard = KioskRemote { hub: to_hub.clone(), feed };
    Ok((RemoteLink::new(KioskEnd { hub: to_hub }, address), guard))
}

struct Hub {
    remote: Remote,
    /// The actor holding the patient's voice, as the engine last said.
    voice: Option<PeerId>,
}

impl Hub {
    fn run(mut self, heard: &Receiver<Heard>) {
        for message in heard {
            match message {
                Heard::Kiosk(request) => self.kiosk(request),
                Heard::Signalling(upward) => self.signalling(upward),
                Heard::Media(event) => {
                    // Connection states and levels are for the line protocol; a failure is
                    // worth a line in the journal (it names an element, no content).
                    if matches!(event, MediaEvent::Error { .. }) {
                        warn!("a peer's media reported an error");
                    }
                    let _ = relay::media_event(&self.remote.handle, event);
                }
                Heard::Shutdown => break,
            }
        }
        self.send_everyone_away();
    }

    fn kiosk(&mut self, request: ToHub) {
        let handle = &self.remote.handle;
        match request {
            ToHub::Invite(role) => {
                if let Err(error) = handle.invite(relay::wire_role(role)) {
                    warn!(error = %error, "a pairing code could not be drawn");
                }
            }
            ToHub::Remove(peer) => handle.send(Input::Remove { peer: relay::wire_peer(peer) }),
            ToHub::Started => handle.send(Input::SessionStarted),
            ToHub::Publish { lines, voice } => {
                if let Some(voice) = voice {
                    self.voice = voice;
                }
                for event in lines {
                    handle.send(Input::SessionEvent { event });
                }
            }
            ToHub::Ended => self.send_everyone_away(),
        }
    }

    fn send_everyone_away(&mut self) {
        self.remote.handle.send(Input::SessionEnded);
        for peer in self.remote.media.peers() {
            self.remote.media.remove_peer(peer);
        }
        self.voice = None;
    }

    fn signalling(&mut self, upward: Upward) {
        match upward {
            Upward::Issued { code, role } => {
                let invitation = Invitation {
                    role: relay::session_role(role),
                    code: code.as_str().to_owned(),
                    valid_for: rapport_signalling::pairing::CODE_LIFETIME,
                };
                post(move |kiosk| kiosk.show_invitation(invitation));
            }
            Upward::Peer(action) => {
                for event in relay::peer_events(action, self.voice) {
                    post(move |kiosk| kiosk.feed(event));
                }
            }
            Upward::Media(command) => {
                // A failure is logged and the peer removed by the relay.
                let _ = relay::media_command(&self.remote.media, &self.remote.handle, command);
            }
        }
    }
}

fn post(action: impl FnOnce(&rapport_ui::Kiosk) + Send + 'static) {
    if post_to_kiosk(action).is_err() {
        debug!("the kiosk's event loop has stopped; a remote event was dropped");
    }
}
