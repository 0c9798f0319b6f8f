//! Remote peers' way into a running session (`README.md` in this folder describes the protocol
//! and the roles):
//!
//! - [`pairing`]: one-time, short-lived pairing codes bound to a role, and the failed-code limit.
//! - [`router`]: the routing core, a pure function of messages, tested without sockets.
//! - [`server`]: the HTTPS server on tokio (axum) that serves the browser client (`web/`) and its
//!   WebSocket, and carries out what the router decides.
//!
//! Architecture invariant: this crate is the only one that parses network input (through
//! `rapport-wire`'s parser).

pub mod pairing;
pub mod router;
pub mod server;

pub use pairing::Code;
pub use router::{ConnId, Input, MediaCommand, Output, PeerAction, Router};
pub use server::{Config, Handle, Server, SignallingError, TlsSource, Upward};
