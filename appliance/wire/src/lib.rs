//! The wire protocol between the station and a remote peer's browser (`appliance/signalling`
//! serves both ends): versioned, typed JSON messages over one WebSocket, and the one parser of
//! what a browser sends.
//!
//! - [`ClientMessage`]: browser → station (join, SDP answer, ICE, nudges, take-over, leave).
//! - [`ServerMessage`]: station → browser (welcome, SDP offer, ICE, session events, errors).
//! - [`parse_client`]: bytes off the network → a message, or a [`WireError`] that carries no
//!   byte of the input, so it can be logged and sent back.
//!
//! This crate does no I/O. Text a person typed travels in [`Text`], whose `Debug` prints only its
//! length and whose bytes are wiped on drop.

mod text;

pub use text::Text;

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks. A `join` with any other version is refused.
pub const PROTOCOL_VERSION: u32 = 1;
/// The largest message accepted from a browser, in bytes (an SDP answer is about 2–4 KiB).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// The longest nudge or puppeteered line, in bytes.
pub const MAX_TEXT_BYTES: usize = 600;
/// The longest SDP accepted.
pub const MAX_SDP_BYTES: usize = 32 * 1024;
/// The longest ICE candidate line accepted.
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// The longest pairing code accepted (codes the station issues are shorter).
pub const MAX_CODE_BYTES: usize = 16;

/// What a remote participant may do; it comes with the pairing code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A standardized-patient actor: hears the trainee, speaks as the patient, may puppeteer.
    Actor,
    /// A supervisor: hears both sides, sees codes and gauges, sends private nudges.
    Supervisor,
    /// An observer: hears both sides, sees the codes.
    Observer,
}

impl Role {
    /// Every role, in the order the kiosk lists them.
    pub const ALL: [Role; 3] = [Role::Actor, Role::Supervisor, Role::Observer];

    /// The role's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Actor => "actor",
            Role::Supervisor => "supervisor",
            Role::Observer => "observer",
        }
    }
}

/// A remote participant, numbered by the signalling server from 1 for the station's lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PeerId(pub u32);

/// A message from a browser.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Join the running session with a pairing code. Must be the first message.
    Join {
        /// The protocol version the page speaks.
        version: u32,
        /// The code the kiosk shows.
        code: String,
    },
    /// The browser's SDP answer to the station's offer.
    Answer {
        /// The session description.
        sdp: String,
    },
    /// One of the browser's ICE candidates.
    Ice {
        /// The candidate line.
        candidate: String,
        /// The media line it belongs to.
        sdp_m_line_index: u32,
    },
    /// A supervisor's private nudge for the trainee.
    Nudge {
        /// What to show.
        text: Text,
    },
    /// The actor takes over the patient's voice.
    TakeOver,
    /// The actor hands the patient back to the simulation.
    HandBack,
    /// The actor picks the patient's next line for the station's voice to say ("puppeteer").
    Say {
        /// The line.
        line: Text,
    },
    /// The peer leaves.
    Leave,
}

impl ClientMessage {
    /// The message's name on the wire, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ClientMessage::Join { .. } => "join",
            ClientMessage::Answer { .. } => "answer",
            ClientMessage::Ice { .. } => "ice",
            ClientMessage::Nudge { .. } => "nudge",
            ClientMessage::TakeOver => "take_over",
            ClientMessage::HandBack => "hand_back",
            ClientMessage::Say { .. } => "say",
            ClientMessage::Leave => "leave",
        }
    }
}

/// A message to a browser.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMessage {
    /// The code was accepted: who the peer is now.
    Welcome {
        /// The protocol version the station speaks.
        version: u32,
        /// The peer's number.
        peer: PeerId,
        /// The role the code granted.
        role: Role,
        /// STUN/TURN URLs the browser should use (none on a LAN).
        ice_servers: Vec<String>,
    },
    /// The station's SDP offer.
    Offer {
        /// The session description.
        sdp: String,
    },
    /// One of the station's ICE candidates.
    Ice {
        /// The candidate line.
        candidate: String,
        /// The media line it belongs to.
        sdp_m_line_index: u32,
    },
    /// A session event, as `rapport session` prints it, filtered for the peer's role.
    Event {
        /// The event's JSON object.
        event: EventBody,
    },
    /// The trainee removed this peer, or the session ended: the connection closes.
    Removed {
        /// Why.
        reason: RemovedReason,
    },
    /// A message was refused; the connection stays open unless the error says otherwise.
    Error {
        /// What was wrong.
        error: ErrorKind,
        /// Whether the station closes the connection after this.
        fatal: bool,
    },
}

/// Why a peer's connection was ended by the station.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedReason {
    /// The trainee removed the peer.
    ByTrainee,
    /// The session ended and was wiped.
    SessionEnded,
    /// The same peer connected again; this older connection is replaced.
    Replaced,
}

/// A session event's JSON; its `Debug` prints no content.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventBody(pub serde_json::Value);

impl std::fmt::Debug for EventBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.0.get("event").and_then(serde_json::Value::as_str).unwrap_or("?");
        write!(f, "EventBody({name})")
    }
}

/// What was wrong with a message; sent back to the browser and logged, never with content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not JSON, not a known message, or a field of the wrong type.
    #[error("malformed message")]
    Malformed,
    /// Over [`MAX_MESSAGE_BYTES`], or a field over its own limit.
    #[error("message too large")]
    TooLarge,
    /// A `join` with another protocol version.
    #[error("unsupported protocol version")]
    UnsupportedVersion,
    /// The pairing code is unknown, expired or already used.
    #[error("unknown, expired or used pairing code")]
    BadCode,
    /// Too many failed codes from this address: wait a minute.
    #[error("too many attempts")]
    RateLimited,
    /// The message does not fit the connection's state (for example an answer before a join).
    #[error("message out of order")]
    OutOfOrder,
    /// The peer's role does not allow this message.
    #[error("not allowed for this role")]
    NotAllowed,
    /// No session is running.
    #[error("no session is running")]
    NoSession,
}

/// Why bytes from the network are not a [`ClientMessage`]; carries none of the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The message is over [`MAX_MESSAGE_BYTES`] or a field is over its limit.
    #[error("message too large")]
    TooLarge,
    /// Not UTF-8, not JSON, or not a known message.
    #[error("malformed message ({0})")]
    Malformed(&'static str),
    /// A `join` with another protocol version.
    #[error("unsupported protocol version")]
    UnsupportedVersion,
}

impl WireError {
    /// The error to send back.
    pub fn kind(self) -> ErrorKind {
        match self {
            WireError::TooLarge => ErrorKind::TooLarge,
            WireError::Malformed(_) => ErrorKind::Malformed,
            WireError::UnsupportedVersion => ErrorKind::UnsupportedVersion,
        }
    }
}

/// Parses one WebSocket message from a browser. Never panics; every error is content-free.
pub fn parse_client(bytes: &[u8]) -> Result<ClientMessage, WireError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(WireError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| WireError::Malformed("not UTF-8"))?;
    let message: ClientMessage = serde_json::from_str(text).map_err(|e| {
        WireError::Malformed(match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "not JSON",
            serde_json::error::Category::Data | serde_json::error::Category::Io => {
                "not a known message"
            }
        })
    })?;
    check_limits(&message)?;
    Ok(message)
}

fn check_limits(message: &ClientMessage) -> Result<(), WireError> {
    let fits = match message {
        ClientMessage::Join { version, code } => {
            if *version != PROTOCOL_VERSION {
                return Err(WireError::UnsupportedVersion);
            }
            code.len() <= MAX_CODE_BYTES
        }
        ClientMessage::Answer { sdp } => sdp.len() <= MAX_SDP_BYTES,
        ClientMessage::Ice { candidate, .. } => candidate.len() <= MAX_CANDIDATE_BYTES,
        ClientMessage::Nudge { text } => text.len() <= MAX_TEXT_BYTES,
        ClientMessage::Say { line } => line.len() <= MAX_TEXT_BYTES,
        ClientMessage::TakeOver | ClientMessage::HandBack | ClientMessage::Leave => true,
    };
    if fits { Ok(()) } else { Err(WireError::TooLarge) }
}

/// Parses a message from the station (for clients written in Rust: tests and the bench).
pub fn parse_server(bytes: &[u8]) -> Result<ServerMessage, WireError> {
    if bytes.len() > 4 * MAX_MESSAGE_BYTES {
        return Err(WireError::TooLarge);
    }
    serde_json::from_slice(bytes).map_err(|_| WireError::Malformed("not a known message"))
}

/// Encodes a message for the wire.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Serialising these types cannot fail: every map key is a string and no Serialize impl
    // returns an error.
    serde_json::to_string(message).unwrap_or_else(|_| String::from("{}"))
}

#[cfg(test)]
mod tests;
