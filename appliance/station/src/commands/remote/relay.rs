//! What the line-protocol session and the kiosk share of the remote side: starting the
//! signalling server and the media, turning what a peer did into engine events, carrying media
//! negotiation between signalling and GStreamer, and what an actor or supervisor is shown when
//! they join (the brief, the patient's state, lines to pick from).

use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, Sender};

use anyhow::Context as _;
use rapport_media::{Media, MediaConfig, MediaEvent};
use rapport_privacy::SecretText;
use rapport_session::{Event, Session, SessionEvent};
use rapport_signalling::{
    Config, Handle, Input, MediaCommand, PeerAction, Server, TlsSource, Upward,
};
use rapport_wire::{PeerId, Role};
use serde_json::{Value, json};
use tracing::warn;

/// How many lines the actor is offered at a time.
const SUGGESTIONS: usize = 4;

/// How the remote side is set up.
pub struct RemoteSettings {
    /// Address and port of the page and the WebSocket.
    pub listen: SocketAddr,
    /// The certificate: from files, or generated at start-up.
    pub tls: TlsSource,
    /// STUN and TURN URLs for labs whose peers are off the LAN.
    pub ice_servers: Vec<String>,
    /// Send supervisors and observers a video.
    pub video: bool,
    /// The station pushes the conversation's audio (the kiosk with speech); otherwise peers
    /// hear a tone standing for it.
    pub fed: bool,
}

/// The running remote side: the server must outlive every peer.
pub struct Remote {
    /// The HTTPS and WebSocket server.
    pub server: Server,
    /// How the station talks to it.
    pub handle: Handle,
    /// One `webrtcbin` per peer.
    pub media: Media,
}

/// Starts the server and the media; what they report arrives on `to`, wrapped.
pub fn start<T: Send + 'static>(
    settings: RemoteSettings,
    to: &Sender<T>,
    signalling: fn(Upward) -> T,
    media: fn(MediaEvent) -> T,
) -> anyhow::Result<Remote> {
    let RemoteSettings { listen, tls, ice_servers, video, fed } = settings;
    let mut media_config = MediaConfig { video, ..MediaConfig::default() };
    if fed {
        media_config.source = rapport_media::StationSource::Fed;
    }
    if !listen.ip().is_unspecified() {
        media_config.local_addresses.push(listen.ip().to_string());
    }
    media_config.stun_server = ice_servers.iter().find(|u| u.starts_with("stun")).cloned();
    media_config.turn_server = ice_servers.iter().find(|u| u.starts_with("turn")).cloned();
    let (server, upward) = Server::start(Config { listen, tls, ice_servers })
        .context("while starting the signalling server")?;
    forward(upward, to.clone(), signalling)?;
    let (media_events, media_inbox) = std::sync::mpsc::channel();
    let media_pipeline =
        Media::start(media_config, media_events).context("while starting the media")?;
    forward(media_inbox, to.clone(), media)?;
    Ok(Remote { handle: server.handle(), server, media: media_pipeline })
}

/// The engine events for what a peer did. Puppeteering speaks for the patient, so it takes the
/// patient's voice first when no actor holds it.
pub fn peer_events(action: PeerAction, voice: Option<rapport_session::PeerId>) -> Vec<Event> {
    match action {
        PeerAction::Joined { peer, role } => {
            vec![Event::PeerJoined { peer: session_peer(peer), role: session_role(role) }]
        }
        PeerAction::Left { peer } => vec![Event::PeerLeft { peer: session_peer(peer) }],
        PeerAction::Nudge { peer, text } => vec![Event::SupervisorNudge {
            peer: session_peer(peer),
            text: SecretText::copy_from(text.expose()),
        }],
        PeerAction::TakeOver { peer } => vec![Event::TakeOver { peer: session_peer(peer) }],
        PeerAction::HandBack { peer } => vec![Event::HandBack { peer: session_peer(peer) }],
        PeerAction::Say { peer, line } => {
            let said = Event::ActorSaid(SecretText::copy_from(line.expose()));
            match voice {
                Some(_) => vec![said],
                None => vec![Event::TakeOver { peer: session_peer(peer) }, said],
            }
        }
    }
}

/// Carries out what signalling decided about a peer's media. A peer whose media cannot start or
/// whose answer is refused is removed; the error is returned for the kiosk's side to report.
pub fn media_command(media: &Media, handle: &Handle, command: MediaCommand) -> Option<String> {
    match command {
        MediaCommand::Start { peer, role } => {
            if let Err(error) = media.add_peer(peer, role) {
                warn!(peer = peer.0, error = %error, "a peer's media could not start");
                handle.send(Input::Remove { peer });
                return Some(error.to_string());
            }
        }
        MediaCommand::Answer { peer, sdp } => {
            if let Err(error) = media.set_answer(peer, &sdp) {
                warn!(peer = peer.0, error = %error, "a peer's answer was refused");
                handle.send(Input::Remove { peer });
            }
        }
        MediaCommand::RemoteIce { peer, candidate, sdp_m_line_index } => {
            media.add_ice(peer, &candidate, sdp_m_line_index);
        }
        MediaCommand::Stop { peer } => media.remove_peer(peer),
    }
    None
}

/// Passes the media's offers and candidates to signalling; returns what the kiosk's side may
/// report (a peer's connection state, a level, an element's failure) as an event line.
pub fn media_event(handle: &Handle, event: MediaEvent) -> Option<Value> {
    match event {
        MediaEvent::Offer { peer, sdp } => handle.send(Input::Offer { peer, sdp }),
        MediaEvent::Ice { peer, candidate, sdp_m_line_index } => {
            handle.send(Input::LocalIce { peer, candidate, sdp_m_line_index });
        }
        MediaEvent::State { peer, state } => {
            return Some(json!({"event": "remote_media", "peer": peer, "state": state}));
        }
        MediaEvent::Level { peer, rms_db } => {
            let rms_db = if rms_db.is_finite() { rms_db } else { -200.0 };
            return Some(json!({"event": "remote_level", "peer": peer, "rms_db": rms_db}));
        }
        MediaEvent::Onset { .. } => {}
        MediaEvent::Error { element } => {
            return Some(json!({"event": "remote_error", "error": "media", "element": element}));
        }
    }
    None
}

/// What the peers get besides the engine's `events` (the session as it is after them): the brief
/// when an actor or supervisor joined, fresh lines for the actor after a patient's line.
pub fn follow_up(session: &Session, events: &[SessionEvent]) -> Vec<Value> {
    let joined = events.iter().any(|event| {
        matches!(event, SessionEvent::PeerJoined { role, .. } if *role != rapport_session::Role::Observer)
    });
    if joined {
        // The brief ends with fresh lines.
        brief(session)
    } else if events.iter().any(|event| matches!(event, SessionEvent::Patient { .. })) {
        vec![suggestions(session)]
    } else {
        Vec::new()
    }
}

/// What a joining actor or supervisor is shown: the scenario's brief, the patient's state, and
/// lines to pick from.
pub fn brief(session: &Session) -> Vec<Value> {
    let scenario = session.scenario();
    let brief = json!({
        "event": "brief",
        "title": scenario.title,
        "setting": scenario.setting,
        "brief": scenario.brief,
        "goals": scenario.goals,
        "patient": {"name": scenario.persona.name, "age": scenario.persona.age, "situation": scenario.persona.situation},
    });
    let state = session.patient_state();
    let state = json!({
        "event": "state", "rapport": state.rapport, "resistance": state.resistance,
        "progress": state.progress, "goal": scenario.state.goal, "mood": state.mood(),
    });
    vec![brief, state, suggestions(session)]
}

/// Lines of the scenario that fit the patient's mood now, for the actor to pick from.
pub fn suggestions(session: &Session) -> Value {
    let mood = session.patient_state().mood();
    let scenario = session.scenario();
    let mut lines: Vec<&str> = Vec::new();
    for group in scenario.lines.iter().filter(|g| g.fits(mood) && !g.intent.is_bookend()) {
        for text in &group.text {
            if lines.len() < SUGGESTIONS && !lines.contains(&text.as_str()) {
                lines.push(text);
            }
        }
    }
    json!({"event": "suggestions", "lines": lines})
}

/// The session's name for a peer.
pub fn session_peer(peer: PeerId) -> rapport_session::PeerId {
    rapport_session::PeerId(peer.0)
}

/// The wire's name for a peer.
pub fn wire_peer(peer: rapport_session::PeerId) -> PeerId {
    PeerId(peer.0)
}

/// The session's name for a role.
pub fn session_role(role: Role) -> rapport_session::Role {
    match role {
        Role::Actor => rapport_session::Role::Actor,
        Role::Supervisor => rapport_session::Role::Supervisor,
        Role::Observer => rapport_session::Role::Observer,
    }
}

/// The wire's name for a role.
pub fn wire_role(role: rapport_session::Role) -> Role {
    match role {
        rapport_session::Role::Actor => Role::Actor,
        rapport_session::Role::Supervisor => Role::Supervisor,
        rapport_session::Role::Observer => Role::Observer,
    }
}

/// Moves everything from `from` to `to`, wrapped, on a thread of its own.
pub fn forward<T: Send + 'static, U: Send + 'static>(
    from: Receiver<U>,
    to: Sender<T>,
    wrap: fn(U) -> T,
) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("remote-forward".into())
        .spawn(move || {
            for message in from {
                if to.send(wrap(message)).is_err() {
                    break;
                }
            }
        })
        .context("while starting a forwarding thread")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_wire::Text;

    #[test]
    fn puppeteering_takes_the_voice_only_when_no_actor_holds_it() {
        let say =
            || PeerAction::Say { peer: PeerId(4), line: Text::new("I suppose so.".to_owned()) };
        let free = peer_events(say(), None);
        assert!(matches!(
            free.as_slice(),
            [Event::TakeOver { peer: rapport_session::PeerId(4) }, Event::ActorSaid(_)]
        ));
        let held = peer_events(say(), Some(rapport_session::PeerId(4)));
        assert!(matches!(held.as_slice(), [Event::ActorSaid(_)]));
    }

    #[test]
    fn roles_and_peers_keep_their_identity_across_the_boundary() {
        for role in [Role::Actor, Role::Supervisor, Role::Observer] {
            assert_eq!(wire_role(session_role(role)), role);
        }
        assert_eq!(wire_peer(session_peer(PeerId(7))), PeerId(7));
    }
}
