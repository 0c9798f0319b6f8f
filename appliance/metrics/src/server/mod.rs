//! The HTTPS server of the dashboard and of `/metrics`: rustls over tokio, one HTTP/1.1
//! connection per TLS stream, axum routes.
//!
//! - [`tls`]: the certificate (configured, or self-signed at start) and its fingerprint.
//! - [`auth`]: the admin password, login cookies and the bearer token.
//! - [`routes`]: what is served.

pub mod auth;
pub mod routes;
pub mod tls;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info};

use crate::{Config, MetricsError, Store};
use routes::AppState;

/// A TLS handshake must finish within this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A request's headers must arrive within this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound, ready server.
pub struct Server {
    listener: TcpListener,
    identity: tls::Identity,
    state: Arc<AppState>,
}

impl Server {
    /// Opens the database in `data_dir`, prepares TLS and binds `listen`.
    pub fn bind(listen: SocketAddr, data_dir: &Path, config: Config) -> Result<Self, MetricsError> {
        let admin_password_hash =
            config.admin_password_hash.clone().ok_or_else(|| MetricsError::Config {
                path: "admin_password_hash".into(),
                message: "the dashboard needs an admin password: put the output of `rapport \
                          metrics hash-password` in the configuration as admin_password_hash"
                    .into(),
            })?;
        let store = Store::open(data_dir)?;
        let identity = match (&config.tls_certificate, &config.tls_private_key) {
            (Some(certificate), Some(key)) => tls::load(certificate, key)?,
            _ => {
                let mut names =
                    vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
                if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
                    names.push(listen.ip().to_string());
                }
                tls::self_signed(names)?
            }
        };
        let listener = TcpListener::bind(listen)
            .map_err(|e| MetricsError::io(format!("while listening on {listen}"), e))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| MetricsError::io("while configuring the listening socket", e))?;
        let state = Arc::new(AppState {
            store: Mutex::new(store),
            config,
            admin_password_hash,
            logins: auth::Logins::default(),
        });
        Ok(Self { listener, identity, state })
    }

    /// The address actually bound (the port is chosen by the system for port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, MetricsError> {
        self.listener
            .local_addr()
            .map_err(|e| MetricsError::io("while reading the bound address", e))
    }

    /// SHA-256 of the certificate, for the admin to compare with what the browser shows.
    pub fn fingerprint(&self) -> &str {
        &self.identity.fingerprint
    }

    /// Whether the certificate was generated at start.
    pub fn self_signed(&self) -> bool {
        self.identity.self_signed
    }

    /// Serves until SIGINT or SIGTERM.
    pub fn run(self) -> Result<(), MetricsError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| MetricsError::io("while starting the server's runtime", e))?;
        runtime.block_on(self.serve())
    }

    async fn serve(self) -> Result<(), MetricsError> {
        let listener = tokio::net::TcpListener::from_std(self.listener)
            .map_err(|e| MetricsError::io("while registering the listening socket", e))?;
        let acceptor = TlsAcceptor::from(Arc::clone(&self.identity.config));
        let app = routes::router(self.state);
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .map_err(|e| MetricsError::io("while watching for SIGTERM", e))?;
        info!("metrics dashboard serving");
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        debug!(error = %error, "accept failed");
                        continue;
                    }
                },
                _ = tokio::signal::ctrl_c() => break,
                _ = terminate.recv() => break,
            };
            let acceptor = acceptor.clone();
            let service = TowerToHyperService::new(app.clone());
            tokio::spawn(async move {
                let tls =
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => tls,
                        _ => {
                            debug!(peer = %loopback_or_not(peer.ip()), "TLS handshake failed");
                            return;
                        }
                    };
                let served = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
                if let Err(error) = served {
                    debug!(error = %error, "connection ended with an error");
                }
            });
        }
        info!("metrics dashboard stopped");
        Ok(())
    }
}

/// Logs say only whether a peer was local, not who it was.
fn loopback_or_not(ip: IpAddr) -> &'static str {
    if ip.is_loopback() { "loopback" } else { "network" }
}
