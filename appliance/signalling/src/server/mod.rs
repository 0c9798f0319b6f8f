//! The signalling server: HTTPS on tokio, one HTTP/1.1 connection per TLS stream, axum routes
//! for the browser client and its WebSocket. One task owns the [`Router`] and carries out what it
//! returns; each WebSocket has a task that parses what arrives and writes what the router sends.
//!
//! - [`tls`]: the certificate (configured, or generated at start-up) and its fingerprint.
//! - [`web`]: the page, its script and style, and the headers every answer carries.

pub mod tls;
pub mod web;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, State};
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use rapport_wire::{MAX_MESSAGE_BYTES, Role, ServerMessage, encode, parse_client};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info};

use crate::pairing::{CODE_LENGTH, Code};
use crate::router::{ConnId, Input, MediaCommand, Output, PeerAction, Router};

/// A TLS handshake must finish within this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A request's headers must arrive within this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the router looks for connections that never joined.
const TICK: Duration = Duration::from_secs(5);

/// Where the certificate comes from.
#[derive(Clone, Debug)]
pub enum TlsSource {
    /// Generate a self-signed one at start-up (its fingerprint is shown on the kiosk).
    Generate,
    /// PEM files from the configuration.
    Files {
        /// The certificate chain.
        certificate: PathBuf,
        /// Its private key.
        key: PathBuf,
    },
}

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// The certificate.
    pub tls: TlsSource,
    /// STUN/TURN URLs handed to browsers (none on a LAN, the default).
    pub ice_servers: Vec<String>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum SignallingError {
    /// The certificate could not be loaded or generated.
    #[error("TLS: {0}")]
    Tls(String),
    /// A system call failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
}

impl SignallingError {
    fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { context: context.into(), source }
    }
}

/// What the router tells the station.
#[derive(Debug)]
pub enum Upward {
    /// A pairing code to show on the kiosk.
    Issued {
        /// The code.
        code: Code,
        /// The role it grants.
        role: Role,
    },
    /// Something a peer did, for the session.
    Peer(PeerAction),
    /// Something the media must do.
    Media(MediaCommand),
}

enum Task {
    Open { conn: ConnId, from: IpAddr, outgoing: mpsc::UnboundedSender<Outgoing> },
    Input(Input),
}

enum Outgoing {
    Message(String),
    Close,
}

/// How the station talks to the running server; cheap to clone.
#[derive(Clone)]
pub struct Handle {
    tasks: mpsc::UnboundedSender<Task>,
}

impl Handle {
    /// Passes an input to the router (a session event, the media's offer, a removal…).
    pub fn send(&self, input: Input) {
        // The router task lives as long as the server's runtime; after that nobody listens.
        let _ = self.tasks.send(Task::Input(input));
    }

    /// Asks for a pairing code for `role`; it comes back as [`Upward::Issued`].
    pub fn invite(&self, role: Role) -> Result<(), SignallingError> {
        let mut random = [0u8; CODE_LENGTH];
        getrandom::fill(&mut random).map_err(|e| {
            SignallingError::io("while drawing a pairing code", std::io::Error::other(e))
        })?;
        self.send(Input::Invite { role, random });
        Ok(())
    }
}

/// A running server. Dropping it stops it.
pub struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    local_addr: SocketAddr,
    fingerprint: String,
    handle: Handle,
}

impl Server {
    /// Prepares TLS, binds, and starts serving on a runtime of its own. What the router decides
    /// for the station arrives on the returned receiver.
    pub fn start(
        config: Config,
    ) -> Result<(Self, std::sync::mpsc::Receiver<Upward>), SignallingError> {
        let identity = match &config.tls {
            TlsSource::Files { certificate, key } => tls::load(certificate, key)?,
            TlsSource::Generate => {
                let mut names =
                    vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
                if !config.listen.ip().is_unspecified() && !config.listen.ip().is_loopback() {
                    names.push(config.listen.ip().to_string());
                }
                tls::self_signed(names)?
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("signalling")
            .enable_all()
            .build()
            .map_err(|e| SignallingError::io("while starting the signalling runtime", e))?;
        let listener = std::net::TcpListener::bind(config.listen)
            .map_err(|e| SignallingError::io(format!("while listening on {}", config.listen), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| SignallingError::io("while configuring the listening socket", e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| SignallingError::io("while reading the bound address", e))?;
        let (tasks, task_receiver) = mpsc::unbounded_channel();
        let (upward, upward_receiver) = std::sync::mpsc::channel();
        let handle = Handle { tasks: tasks.clone() };
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
                .map_err(|e| SignallingError::io("while registering the listening socket", e))?
        };
        runtime.spawn(route(task_receiver, upward, config.ice_servers));
        let ticks = tasks.clone();
        runtime.spawn(async move {
            let mut interval = tokio::time::interval(TICK);
            loop {
                interval.tick().await;
                if ticks.send(Task::Input(Input::Tick)).is_err() {
                    break;
                }
            }
        });
        let state = Arc::new(AppState { tasks, next_conn: AtomicU64::new(1) });
        runtime.spawn(accept(listener, TlsAcceptor::from(identity.config), state));
        info!(listen = %local_addr, fingerprint = %identity.fingerprint, "signalling serving");
        let server =
            Self { runtime: Some(runtime), local_addr, fingerprint: identity.fingerprint, handle };
        Ok((server, upward_receiver))
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// SHA-256 of the certificate, for the kiosk to show.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The URL a browser opens.
    pub fn url(&self) -> String {
        format!("https://{}/", self.local_addr)
    }

    /// A handle for the station.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The router's task: the one owner of the routing state.
async fn route(
    mut tasks: mpsc::UnboundedReceiver<Task>,
    upward: std::sync::mpsc::Sender<Upward>,
    ice_servers: Vec<String>,
) {
    let mut router = Router::new(ice_servers);
    let mut connections: HashMap<ConnId, mpsc::UnboundedSender<Outgoing>> = HashMap::new();
    while let Some(task) = tasks.recv().await {
        let input = match task {
            Task::Open { conn, from, outgoing } => {
                connections.insert(conn, outgoing);
                Input::Connected { conn, from }
            }
            Task::Input(input) => input,
        };
        if let Input::Disconnected { conn } = &input {
            connections.remove(conn);
        }
        for output in router.handle(input, Instant::now()) {
            match output {
                Output::Send { conn, message } => {
                    if let ServerMessage::Error { error, .. } = &message {
                        info!(kind = ?error, "refused a message from a peer");
                    }
                    if let Some(connection) = connections.get(&conn) {
                        let _ = connection.send(Outgoing::Message(encode(&message)));
                    }
                }
                Output::Close { conn } => {
                    if let Some(connection) = connections.remove(&conn) {
                        let _ = connection.send(Outgoing::Close);
                    }
                }
                Output::Issued { code, role } => {
                    let _ = upward.send(Upward::Issued { code, role });
                }
                Output::Session(action) => {
                    let _ = upward.send(Upward::Peer(action));
                }
                Output::Media(command) => {
                    let _ = upward.send(Upward::Media(command));
                }
            }
        }
    }
}

struct AppState {
    tasks: mpsc::UnboundedSender<Task>,
    next_conn: AtomicU64,
}

/// The remote address of the HTTP connection a request came on.
#[derive(Clone, Copy)]
struct Remote(IpAddr);

async fn accept(listener: tokio::net::TcpListener, acceptor: TlsAcceptor, state: Arc<AppState>) {
    let app = web::router().route("/ws", axum::routing::get(websocket)).with_state(state);
    loop {
        let (stream, address) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                debug!(error = %error, "accept failed");
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let service =
            TowerToHyperService::new(app.clone().layer(axum::Extension(Remote(address.ip()))));
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => tls,
                _ => {
                    debug!(peer = loopback_or_not(address.ip()), "TLS handshake failed");
                    return;
                }
            };
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(tls), service)
                .with_upgrades()
                .await;
            if let Err(error) = served {
                debug!(error = %error, "connection ended with an error");
            }
        });
    }
}

async fn websocket(
    State(state): State<Arc<AppState>>,
    Extension(Remote(from)): Extension<Remote>,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Frames up to four times the message limit reach the parser, so an oversized message gets
    // an error reply rather than a dropped connection; beyond that the socket closes.
    upgrade
        .max_message_size(4 * MAX_MESSAGE_BYTES)
        .max_frame_size(4 * MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| connection(socket, from, state))
}

async fn connection(mut socket: WebSocket, from: IpAddr, state: Arc<AppState>) {
    let conn = ConnId(state.next_conn.fetch_add(1, Ordering::Relaxed));
    let (outgoing, mut to_send) = mpsc::unbounded_channel();
    if state.tasks.send(Task::Open { conn, from, outgoing }).is_err() {
        return;
    }
    debug!(peer = loopback_or_not(from), "websocket opened");
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let bytes = match incoming {
                    Some(Ok(Message::Text(text))) => text.as_bytes().to_vec(),
                    Some(Ok(Message::Binary(bytes))) => bytes.to_vec(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                let input = match parse_client(&bytes) {
                    Ok(message) => Input::Message { conn, message },
                    Err(error) => {
                        debug!(kind = error.kind().to_string(), "unparsable message");
                        Input::Unparsable { conn, error }
                    }
                };
                let _ = state.tasks.send(Task::Input(input));
            }
            outgoing = to_send.recv() => match outgoing {
                Some(Outgoing::Message(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            },
        }
    }
    let _ = state.tasks.send(Task::Input(Input::Disconnected { conn }));
    debug!("websocket closed");
}

/// Logs say only whether a peer was local, not who it was.
fn loopback_or_not(ip: IpAddr) -> &'static str {
    if ip.is_loopback() { "loopback" } else { "network" }
}
