//! The routing core: a pure function from one [`Input`] (a browser's message, the kiosk's
//! command, the media's SDP, a session event) to the [`Output`]s it causes. No sockets, no clock,
//! no randomness: the server feeds it and carries out what it returns, and tests drive it
//! directly.
//!
//! A connection is first `pending` (only `join` is allowed), then `joined` as a peer with the
//! role its code granted. Everything a peer may say is checked against its state and role here.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rapport_wire::{
    ClientMessage, ErrorKind, EventBody, PROTOCOL_VERSION, PeerId, RemovedReason, Role,
    ServerMessage, Text, WireError,
};

use crate::pairing::{CODE_LENGTH, Code, Pairings};

/// A WebSocket connection, numbered by the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Refused messages a connection may send before it is closed.
pub const MAX_REFUSALS: u32 = 20;
/// How long a connection may stay open without joining.
pub const JOIN_TIMEOUT: Duration = Duration::from_secs(60);

/// What happens.
#[derive(Debug)]
pub enum Input {
    /// A browser opened the WebSocket.
    Connected {
        /// The connection.
        conn: ConnId,
        /// Its address (for the failed-code limit only; never logged).
        from: IpAddr,
    },
    /// A browser sent a message that parsed.
    Message {
        /// The connection.
        conn: ConnId,
        /// The message.
        message: ClientMessage,
    },
    /// A browser sent something that did not parse.
    Unparsable {
        /// The connection.
        conn: ConnId,
        /// Why.
        error: WireError,
    },
    /// Time passed: connections that have not joined within [`JOIN_TIMEOUT`] are closed.
    Tick,
    /// The WebSocket closed (the page was closed or reloaded, or the network went).
    Disconnected {
        /// The connection.
        conn: ConnId,
    },
    /// The kiosk invites someone: issue a code for `role`.
    Invite {
        /// The role the code grants.
        role: Role,
        /// Random bytes for the code.
        random: [u8; CODE_LENGTH],
    },
    /// The trainee removes a peer.
    Remove {
        /// Who.
        peer: PeerId,
    },
    /// A session started: peers may join it.
    SessionStarted,
    /// The session ended: every peer goes, every code is revoked.
    SessionEnded,
    /// The engine emitted an event; it goes to the peers whose role sees it.
    SessionEvent {
        /// The event as `rapport session` prints it.
        event: serde_json::Value,
    },
    /// The media made its SDP offer for a peer.
    Offer {
        /// Who.
        peer: PeerId,
        /// The offer.
        sdp: String,
    },
    /// The media found a local ICE candidate for a peer.
    LocalIce {
        /// Who.
        peer: PeerId,
        /// The candidate line.
        candidate: String,
        /// Its media line.
        sdp_m_line_index: u32,
    },
}

/// What the session (the engine and the kiosk) must hear from the peers.
#[derive(Debug, PartialEq)]
pub enum PeerAction {
    /// A peer joined.
    Joined {
        /// Who.
        peer: PeerId,
        /// As what.
        role: Role,
    },
    /// A peer left or was removed.
    Left {
        /// Who.
        peer: PeerId,
    },
    /// A supervisor's nudge.
    Nudge {
        /// Who sent it.
        peer: PeerId,
        /// What it says.
        text: Text,
    },
    /// The actor takes the patient's voice.
    TakeOver {
        /// The actor.
        peer: PeerId,
    },
    /// The actor gives it back.
    HandBack {
        /// The actor.
        peer: PeerId,
    },
    /// The actor picks the patient's next line for the station to say.
    Say {
        /// The actor.
        peer: PeerId,
        /// The line.
        line: Text,
    },
}

/// What the media must do.
#[derive(Debug, PartialEq)]
pub enum MediaCommand {
    /// Set up a peer's WebRTC connection and make an offer.
    Start {
        /// Who.
        peer: PeerId,
        /// As what (which audio it gets and sends).
        role: Role,
    },
    /// The peer's answer to the offer.
    Answer {
        /// Who.
        peer: PeerId,
        /// The answer.
        sdp: String,
    },
    /// One of the peer's ICE candidates.
    RemoteIce {
        /// Who.
        peer: PeerId,
        /// The candidate line.
        candidate: String,
        /// Its media line.
        sdp_m_line_index: u32,
    },
    /// Tear the peer's connection down; no more media to or from it.
    Stop {
        /// Who.
        peer: PeerId,
    },
}

/// What the server must do.
#[derive(Debug)]
pub enum Output {
    /// Send a message on a connection.
    Send {
        /// The connection.
        conn: ConnId,
        /// The message.
        message: ServerMessage,
    },
    /// Close a connection (after what was sent before).
    Close {
        /// The connection.
        conn: ConnId,
    },
    /// A code was issued for the kiosk to show.
    Issued {
        /// The code.
        code: Code,
        /// The role it grants.
        role: Role,
    },
    /// Tell the session.
    Session(PeerAction),
    /// Tell the media.
    Media(MediaCommand),
}

enum State {
    Pending { from: IpAddr, since: Instant },
    Joined { peer: PeerId, role: Role, offered: bool, answered: bool },
}

struct Connection {
    state: State,
    refusals: u32,
}

/// The routing core of one station: its connections, its pairing codes, whether a session runs.
pub struct Router {
    connections: BTreeMap<ConnId, Connection>,
    pairings: Pairings,
    session_running: bool,
    next_peer: u32,
    ice_servers: Vec<String>,
}

impl Router {
    /// A router with no session running; `ice_servers` go to every peer that joins.
    pub fn new(ice_servers: Vec<String>) -> Self {
        Self {
            connections: BTreeMap::new(),
            pairings: Pairings::default(),
            session_running: false,
            next_peer: 1,
            ice_servers,
        }
    }

    /// The peers joined now, with their roles, in the order they joined.
    pub fn peers(&self) -> Vec<(PeerId, Role)> {
        let mut peers: Vec<(PeerId, Role)> = self
            .connections
            .values()
            .filter_map(|c| match c.state {
                State::Joined { peer, role, .. } => Some((peer, role)),
                State::Pending { .. } => None,
            })
            .collect();
        peers.sort_by_key(|(peer, _)| *peer);
        peers
    }

    /// Handles one input at time `now`.
    pub fn handle(&mut self, input: Input, now: Instant) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::Connected { conn, from } => {
                self.connections.insert(
                    conn,
                    Connection { state: State::Pending { from, since: now }, refusals: 0 },
                );
            }
            Input::Message { conn, message } => self.message(conn, message, now, &mut out),
            Input::Unparsable { conn, error } => self.refuse(conn, error.kind(), &mut out),
            Input::Tick => {
                let stale: Vec<ConnId> = self
                    .connections
                    .iter()
                    .filter(|(_, c)| {
                        matches!(c.state, State::Pending { since, .. }
                            if now.duration_since(since) >= JOIN_TIMEOUT)
                    })
                    .map(|(conn, _)| *conn)
                    .collect();
                for conn in stale {
                    self.connections.remove(&conn);
                    out.push(Output::Close { conn });
                }
            }
            Input::Disconnected { conn } => {
                if let Some(connection) = self.connections.remove(&conn)
                    && let State::Joined { peer, .. } = connection.state
                {
                    out.push(Output::Media(MediaCommand::Stop { peer }));
                    out.push(Output::Session(PeerAction::Left { peer }));
                }
            }
            Input::Invite { role, random } => {
                if self.session_running {
                    let code = self.pairings.issue(role, now, random);
                    out.push(Output::Issued { code, role });
                }
            }
            Input::Remove { peer } => {
                if let Some(conn) = self.conn_of(peer) {
                    self.drop_peer(conn, RemovedReason::ByTrainee, &mut out);
                }
            }
            Input::SessionStarted => {
                self.end_session(&mut out);
                self.session_running = true;
            }
            Input::SessionEnded => self.end_session(&mut out),
            Input::SessionEvent { event } => self.fan_out(event, &mut out),
            Input::Offer { peer, sdp } => {
                if let Some(conn) = self.conn_of(peer)
                    && let Some(Connection { state: State::Joined { offered, .. }, .. }) =
                        self.connections.get_mut(&conn)
                {
                    *offered = true;
                    out.push(Output::Send { conn, message: ServerMessage::Offer { sdp } });
                }
            }
            Input::LocalIce { peer, candidate, sdp_m_line_index } => {
                if let Some(conn) = self.conn_of(peer) {
                    out.push(Output::Send {
                        conn,
                        message: ServerMessage::Ice { candidate, sdp_m_line_index },
                    });
                }
            }
        }
        out
    }

    fn message(
        &mut self,
        conn: ConnId,
        message: ClientMessage,
        now: Instant,
        out: &mut Vec<Output>,
    ) {
        let Some(connection) = self.connections.get_mut(&conn) else { return };
        match (&mut connection.state, message) {
            (State::Pending { from, .. }, ClientMessage::Join { code, .. }) => {
                if !self.session_running {
                    let from = *from;
                    // Count it as a failure too, so probing between sessions is limited.
                    let _ = self.pairings.redeem("", from, now);
                    return self.refuse(conn, ErrorKind::NoSession, out);
                }
                let from = *from;
                match self.pairings.redeem(&code, from, now) {
                    Ok(role) => {
                        let peer = PeerId(self.next_peer);
                        self.next_peer += 1;
                        connection.state =
                            State::Joined { peer, role, offered: false, answered: false };
                        out.push(Output::Send {
                            conn,
                            message: ServerMessage::Welcome {
                                version: PROTOCOL_VERSION,
                                peer,
                                role,
                                ice_servers: self.ice_servers.clone(),
                            },
                        });
                        out.push(Output::Session(PeerAction::Joined { peer, role }));
                        out.push(Output::Media(MediaCommand::Start { peer, role }));
                    }
                    Err(error) => self.refuse(conn, error, out),
                }
            }
            (State::Pending { .. }, _) => self.refuse(conn, ErrorKind::OutOfOrder, out),
            (State::Joined { .. }, ClientMessage::Join { .. }) => {
                self.refuse(conn, ErrorKind::OutOfOrder, out);
            }
            (State::Joined { peer, offered, answered, .. }, ClientMessage::Answer { sdp }) => {
                if *offered && !*answered {
                    *answered = true;
                    out.push(Output::Media(MediaCommand::Answer { peer: *peer, sdp }));
                } else {
                    self.refuse(conn, ErrorKind::OutOfOrder, out);
                }
            }
            (
                State::Joined { peer, offered, .. },
                ClientMessage::Ice { candidate, sdp_m_line_index },
            ) => {
                if *offered {
                    out.push(Output::Media(MediaCommand::RemoteIce {
                        peer: *peer,
                        candidate,
                        sdp_m_line_index,
                    }));
                } else {
                    self.refuse(conn, ErrorKind::OutOfOrder, out);
                }
            }
            (State::Joined { peer, role: Role::Supervisor, .. }, ClientMessage::Nudge { text }) => {
                if text.expose().trim().is_empty() {
                    self.refuse(conn, ErrorKind::Malformed, out);
                } else {
                    out.push(Output::Session(PeerAction::Nudge { peer: *peer, text }));
                }
            }
            (State::Joined { peer, role: Role::Actor, .. }, ClientMessage::TakeOver) => {
                out.push(Output::Session(PeerAction::TakeOver { peer: *peer }));
            }
            (State::Joined { peer, role: Role::Actor, .. }, ClientMessage::HandBack) => {
                out.push(Output::Session(PeerAction::HandBack { peer: *peer }));
            }
            (State::Joined { peer, role: Role::Actor, .. }, ClientMessage::Say { line }) => {
                if line.expose().trim().is_empty() {
                    self.refuse(conn, ErrorKind::Malformed, out);
                } else {
                    out.push(Output::Session(PeerAction::Say { peer: *peer, line }));
                }
            }
            (State::Joined { peer, .. }, ClientMessage::Leave) => {
                let peer = *peer;
                self.connections.remove(&conn);
                out.push(Output::Media(MediaCommand::Stop { peer }));
                out.push(Output::Session(PeerAction::Left { peer }));
                out.push(Output::Close { conn });
            }
            (
                State::Joined { .. },
                ClientMessage::Nudge { .. }
                | ClientMessage::TakeOver
                | ClientMessage::HandBack
                | ClientMessage::Say { .. },
            ) => self.refuse(conn, ErrorKind::NotAllowed, out),
        }
    }

    /// Answers a refused message with an error; too many refusals close the connection.
    fn refuse(&mut self, conn: ConnId, error: ErrorKind, out: &mut Vec<Output>) {
        let Some(connection) = self.connections.get_mut(&conn) else { return };
        connection.refusals += 1;
        let fatal = connection.refusals >= MAX_REFUSALS;
        out.push(Output::Send { conn, message: ServerMessage::Error { error, fatal } });
        if fatal {
            if let State::Joined { peer, .. } = connection.state {
                out.push(Output::Media(MediaCommand::Stop { peer }));
                out.push(Output::Session(PeerAction::Left { peer }));
            }
            self.connections.remove(&conn);
            out.push(Output::Close { conn });
        }
    }

    fn conn_of(&self, peer: PeerId) -> Option<ConnId> {
        self.connections.iter().find_map(|(conn, c)| match c.state {
            State::Joined { peer: p, .. } if p == peer => Some(*conn),
            _ => None,
        })
    }

    fn drop_peer(&mut self, conn: ConnId, reason: RemovedReason, out: &mut Vec<Output>) {
        if let Some(Connection { state: State::Joined { peer, .. }, .. }) =
            self.connections.remove(&conn)
        {
            out.push(Output::Media(MediaCommand::Stop { peer }));
            out.push(Output::Session(PeerAction::Left { peer }));
            out.push(Output::Send { conn, message: ServerMessage::Removed { reason } });
            out.push(Output::Close { conn });
        }
    }

    fn end_session(&mut self, out: &mut Vec<Output>) {
        self.pairings.revoke_all();
        self.session_running = false;
        let joined: Vec<ConnId> = self
            .connections
            .iter()
            .filter(|(_, c)| matches!(c.state, State::Joined { .. }))
            .map(|(conn, _)| *conn)
            .collect();
        for conn in joined {
            self.drop_peer(conn, RemovedReason::SessionEnded, out);
        }
    }

    fn fan_out(&mut self, event: serde_json::Value, out: &mut Vec<Output>) {
        let name = event.get("event").and_then(serde_json::Value::as_str).unwrap_or("");
        for (conn, connection) in &self.connections {
            if let State::Joined { role, .. } = connection.state
                && sees(role, name)
            {
                out.push(Output::Send {
                    conn: *conn,
                    message: ServerMessage::Event { event: EventBody(event.clone()) },
                });
            }
        }
    }
}

/// Which session events a role sees. Nudges are the trainee's own (a supervisor sees them, to
/// know what the trainee was told); scores and codes are not the actor's business.
pub fn sees(role: Role, event: &str) -> bool {
    let everyone = matches!(
        event,
        "patient" | "trainee" | "peer_joined" | "peer_left" | "patient_voice" | "ended" | "wiped"
    );
    everyone
        || match role {
            Role::Actor => matches!(event, "state" | "brief" | "suggestions"),
            Role::Supervisor => matches!(
                event,
                "code" | "gauges" | "state" | "nudge" | "summary" | "brief" | "suggestions"
            ),
            Role::Observer => matches!(event, "code" | "summary"),
        }
}

#[cfg(test)]
mod tests;
