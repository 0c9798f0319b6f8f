//! The kiosk with the station's real parts behind it, on the headless platform (one per process,
//! so one test runs both parts in turn):
//!
//! - remote peers: the signalling server and the media on 127.0.0.1, and a peer's WebSocket over
//!   TLS. A code drawn from the kiosk admits the peer, who appears beside the patient and receives
//!   the session; a nudge reaches the kiosk's screen; the trainee removes them and their
//!   connection is closed. (The browser end to end, with audio, is `tests/remote_browser.rs`.)
//! - the trainee's voice: the real models hear the bundled demo recording; the kiosk shows each
//!   utterance transcribed and coded and the patient's answers, until the trainee taps "End".

#![allow(clippy::unwrap_used, reason = "a test fails loudly on any broken step")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use rapport_session::Role;
use rapport_signalling::TlsSource;
use rapport_ui::headless::Headless;
use rapport_ui::{ConversationAdapter, Intent, Kiosk, KioskConfig, KioskWindow, Screen};
use rapport_wire::{RemovedReason, ServerMessage, parse_server};
use slint::{ComponentHandle as _, Model as _};
use tokio_tungstenite::tungstenite::Message;

use crate::commands::remote::{RemoteSettings, start_for_kiosk};
use crate::spoken::kiosk::Devices;

/// How long one step may take before the test gives up (a hang guard, not a measurement).
const STEP: Duration = Duration::from_secs(30);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>;

/// Runs what the station's threads posted to the UI thread until `done` holds.
fn pump_until(headless: &Headless, what: &str, done: impl Fn() -> bool) {
    pump_for(headless, STEP, what, done);
}

fn pump_for(headless: &Headless, limit: Duration, what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "gave up waiting: {what}");
        if headless.run_posted() == 0 {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A WebSocket to the station, trusting only its certificate.
async fn connect(
    address: SocketAddr,
    certificate: rustls::pki_types::CertificateDer<'static>,
) -> Socket {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certificate).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
    let (socket, _) =
        tokio_tungstenite::client_async(format!("wss://{address}/ws"), tls).await.unwrap();
    socket
}

/// The next message the station sends that `wanted` picks out, skipping the others.
async fn next_matching<T>(
    socket: &mut Socket,
    mut wanted: impl FnMut(ServerMessage) -> Option<T>,
) -> T {
    let read = async {
        loop {
            let message = socket.next().await.expect("the socket is open").unwrap();
            if let Message::Text(text) = message
                && let Some(found) = wanted(parse_server(text.as_bytes()).unwrap())
            {
                return found;
            }
        }
    };
    tokio::time::timeout(STEP, read).await.expect("the station's message came")
}

#[test]
fn the_kiosk_hosts_remote_peers_and_hears_the_trainee() {
    let headless = Headless::install().unwrap();
    headless.set_size(1280, 800);
    a_peer_invited_from_the_kiosk_joins_follows_the_session_and_is_removed(&headless);
    the_trainee_speaks_and_the_kiosk_shows_each_utterance_coded_and_answered(&headless);
}

fn a_peer_invited_from_the_kiosk_joins_follows_the_session_and_is_removed(headless: &Headless) {
    let folder = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (certificate, key) = (folder.path().join("cert.pem"), folder.path().join("key.pem"));
    std::fs::write(&certificate, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let settings = RemoteSettings {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Files { certificate, key },
        ice_servers: Vec::new(),
        video: false,
        fed: false,
    };
    let (link, _remote) = start_for_kiosk(settings).unwrap();
    let address: SocketAddr =
        link.address.url.trim_start_matches("https://").trim_end_matches('/').parse().unwrap();
    assert_eq!(link.address.fingerprint.len(), 32 * 3 - 1, "a SHA-256 fingerprint to compare");

    let load = crate::catalog::builtin();
    let scenario = load
        .catalog
        .iter()
        .find(|s| s.difficulty == rapport_scenario::Difficulty::MIN)
        .map(|s| s.id.clone())
        .unwrap();
    let config = KioskConfig {
        catalog: load.catalog,
        seed: Some(5),
        remote: Some(link),
        ..KioskConfig::default()
    };
    let window = KioskWindow::new().unwrap();
    let kiosk = Kiosk::new(&window, config);
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(scenario));
    kiosk.handle(Intent::Start);
    let adapter = window.global::<ConversationAdapter>();
    assert!(adapter.get_remote(), "the kiosk offers invitations");

    kiosk.handle(Intent::Invite(Role::Supervisor));
    pump_until(headless, "the code on the kiosk", || !adapter.get_invite_code().is_empty());
    let code = adapter.get_invite_code().to_string();
    assert_eq!(adapter.get_invite_role(), "supervisor");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut socket = runtime.block_on(connect(address, certified.cert.der().clone()));
    let join = format!(r#"{{"type":"join","version":1,"code":"{code}"}}"#);
    runtime.block_on(socket.send(Message::text(join))).unwrap();
    let peer = runtime.block_on(next_matching(&mut socket, |m| match m {
        ServerMessage::Welcome { peer, role: rapport_wire::Role::Supervisor, .. } => Some(peer),
        _ => None,
    }));
    pump_until(headless, "the supervisor beside the patient", || {
        adapter.get_peers().row_count() == 1
    });
    assert_eq!(adapter.get_invite_code(), "", "the used code left the screen");
    // What the kiosk's session says reaches the peer: the brief of the scenario it joined.
    let brief = runtime.block_on(next_matching(&mut socket, |m| match m {
        ServerMessage::Event { event } if event.0["event"] == "brief" => Some(event.0),
        _ => None,
    }));
    assert!(brief["title"].as_str().is_some_and(|t| !t.is_empty()));

    // A nudge from the supervisor's page appears on the kiosk.
    let nudge = r#"{"type":"nudge","text":"Try a reflection before the next question."}"#;
    runtime.block_on(socket.send(Message::text(nudge))).unwrap();
    pump_until(headless, "the nudge on the kiosk", || {
        adapter.get_nudge() == "Try a reflection before the next question."
    });

    kiosk.handle(Intent::RemovePeer(peer.0));
    assert_eq!(adapter.get_peers().row_count(), 0, "gone from the kiosk at once");
    let reason = runtime.block_on(next_matching(&mut socket, |m| match m {
        ServerMessage::Removed { reason } => Some(reason),
        _ => None,
    }));
    assert_eq!(reason, RemovedReason::ByTrainee);

    // The session ends and is wiped with the peers' side told.
    kiosk.handle(Intent::End);
    kiosk.handle(Intent::Finish);
    headless.run_posted();
    assert!(!kiosk.has_session());
}

fn the_trainee_speaks_and_the_kiosk_shows_each_utterance_coded_and_answered(headless: &Headless) {
    let store = crate::spoken::models::store().expect("the speech models (models/fetch)");
    let recording =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/alcohol-weekend-trainee.flac");
    let voice = crate::spoken::kiosk::start(
        store,
        rapport_speech::asr::WhisperModel::TinyEn,
        Devices::Recording { path: recording, feed: None },
    )
    .unwrap();
    let config = KioskConfig {
        catalog: crate::catalog::builtin().catalog,
        seed: Some(1),
        voice: Some(voice),
        ..KioskConfig::default()
    };
    let window = KioskWindow::new().unwrap();
    let kiosk = Kiosk::new(&window, config);
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(crate::catalog::DEFAULT_SCENARIO.to_owned()));
    kiosk.handle(Intent::Start);
    let adapter = window.global::<ConversationAdapter>();
    assert!(adapter.get_listening(), "the kiosk says it listens");
    assert_eq!(kiosk.lines_shown(), (0, 1), "the patient speaks first");

    // Loading the models and hearing three utterances takes a while on two cores.
    pump_for(headless, Duration::from_secs(300), "three utterances coded and answered", || {
        let (trainee, patient) = kiosk.lines_shown();
        trainee >= 3 && patient >= 4
    });
    assert_ne!(adapter.get_input_error(), "voice", "the voice kept working");
    kiosk.handle(Intent::End);
    assert_eq!(kiosk.screen(), Screen::Summary);
    kiosk.handle(Intent::Finish);
    headless.run_posted();
    assert!(!kiosk.has_session());
}
