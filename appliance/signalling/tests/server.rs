//! The signalling server over real sockets: HTTPS with a generated certificate (pinned here by
//! its fingerprint), the page's headers, and the WebSocket refusing a wrong code, a reused code,
//! garbage and an oversized message, each with an error reply on a connection that stays open,
//! and then limiting an address that keeps guessing.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rapport_signalling::{Config, Input, Server, TlsSource, Upward};
use rapport_wire::{ErrorKind, MAX_MESSAGE_BYTES, Role, ServerMessage, parse_server};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::Message;

/// Accepts exactly the certificate whose fingerprint the station printed.
#[derive(Debug)]
struct Pinned(String);

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if rapport_signalling::server::tls::fingerprint(end_entity) == self.0 {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("not the station's certificate".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}

async fn tls(address: SocketAddr, fingerprint: &str) -> TlsStream<tokio::net::TcpStream> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned(fingerprint.to_owned())))
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(address).await.expect("the server listens");
    TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the TLS handshake with the pinned certificate")
}

type Socket = tokio_tungstenite::WebSocketStream<TlsStream<tokio::net::TcpStream>>;

async fn websocket(address: SocketAddr, fingerprint: &str) -> Socket {
    let stream = tls(address, fingerprint).await;
    let (socket, _) = tokio_tungstenite::client_async(format!("wss://{address}/ws"), stream)
        .await
        .expect("the WebSocket upgrade");
    socket
}

async fn exchange(socket: &mut Socket, text: String) -> ServerMessage {
    use futures_util::{SinkExt as _, StreamExt as _};
    socket.send(Message::text(text)).await.expect("sent");
    let reply = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("a reply within 10 s")
        .expect("the socket is open")
        .expect("a message");
    parse_server(reply.into_text().expect("text").as_bytes()).expect("a server message")
}

fn join(code: &str) -> String {
    format!(r#"{{"type":"join","version":1,"code":"{code}"}}"#)
}

fn error(kind: ErrorKind) -> ServerMessage {
    ServerMessage::Error { error: kind, fatal: false }
}

#[test]
fn codes_are_checked_over_real_sockets() {
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Generate,
        ice_servers: vec![],
    };
    let (server, upward) = Server::start(config).expect("the server starts");
    let fingerprint = server.fingerprint().to_owned();
    assert_eq!(fingerprint.len(), 32 * 3 - 1);
    let handle = server.handle();
    handle.send(Input::SessionStarted);
    handle.invite(Role::Observer).unwrap();
    let code = match upward.recv_timeout(Duration::from_secs(10)).expect("a code") {
        Upward::Issued { code, role: Role::Observer } => code.as_str().to_owned(),
        other => panic!("expected a code, got {other:?}"),
    };
    let address = server.local_addr();

    let mut joined = 0;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        // The page: served over HTTPS, never cached, nothing from elsewhere.
        let mut stream = tls(address, &fingerprint).await;
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut page = String::new();
        stream.read_to_string(&mut page).await.unwrap();
        let lower = page.to_ascii_lowercase();
        assert!(lower.starts_with("http/1.1 200"), "{page}");
        assert!(lower.contains("cache-control: no-store"), "{page}");
        assert!(lower.contains("content-security-policy: default-src 'none'"), "{page}");
        assert!(lower.contains("referrer-policy: no-referrer"));
        assert!(page.contains("Nothing is recorded"));

        let mut first = websocket(address, &fingerprint).await;
        assert_eq!(exchange(&mut first, join("WRONG2")).await, error(ErrorKind::BadCode));
        assert_eq!(exchange(&mut first, "{not json".into()).await, error(ErrorKind::Malformed));
        let oversized = format!(r#"{{"type":"answer","sdp":"{}"}}"#, "x".repeat(MAX_MESSAGE_BYTES));
        assert_eq!(exchange(&mut first, oversized).await, error(ErrorKind::TooLarge));
        assert_eq!(
            exchange(&mut first, r#"{"type":"answer","sdp":"v=0"}"#.into()).await,
            error(ErrorKind::OutOfOrder)
        );
        match exchange(&mut first, join(&code.to_lowercase())).await {
            ServerMessage::Welcome { role: Role::Observer, .. } => {}
            other => panic!("expected a welcome, got {other:?}"),
        }
        let mut second = websocket(address, &fingerprint).await;
        assert_eq!(exchange(&mut second, join(&code)).await, error(ErrorKind::BadCode));
        // Guessing is limited per address: after a few failures even a good code waits.
        for _ in 2..rapport_signalling::pairing::MAX_FAILURES {
            assert_eq!(exchange(&mut second, join("GUESS2")).await, error(ErrorKind::BadCode));
        }
        handle.invite(Role::Actor).unwrap();
        let fresh = loop {
            match upward.recv_timeout(Duration::from_secs(10)).expect("a code") {
                Upward::Issued { code, role: Role::Actor } => break code.as_str().to_owned(),
                Upward::Peer(rapport_signalling::PeerAction::Joined {
                    role: Role::Observer,
                    ..
                }) => joined += 1,
                Upward::Media(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(exchange(&mut second, join(&fresh)).await, error(ErrorKind::RateLimited));
    });
    // The station heard of one peer joining, and of nothing else from the refused attempts.
    while let Ok(message) = upward.recv_timeout(Duration::from_millis(500)) {
        match message {
            Upward::Peer(rapport_signalling::PeerAction::Joined {
                role: Role::Observer, ..
            }) => {
                joined += 1;
            }
            Upward::Media(_) | Upward::Peer(rapport_signalling::PeerAction::Left { .. }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(joined, 1);
}
