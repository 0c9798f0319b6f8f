//! The server's TLS identity: the configured certificate and key, or a self-signed certificate
//! generated at start-up whose SHA-256 fingerprint the kiosk shows, so a person can check that
//! the page their browser warns about is really the station's.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest as _, Sha256};

use super::SignallingError;

/// A certificate chain and its key, ready to serve.
pub struct Identity {
    /// The TLS configuration for the server.
    pub config: Arc<ServerConfig>,
    /// SHA-256 of the leaf certificate, as colon-separated hex.
    pub fingerprint: String,
}

/// Loads the PEM certificate chain and key at the given paths.
pub fn load(certificate: &Path, key: &Path) -> Result<Identity, SignallingError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(certificate)
        .and_then(Iterator::collect)
        .map_err(|e| SignallingError::Tls(format!("certificate {}: {e}", certificate.display())))?;
    if chain.is_empty() {
        return Err(SignallingError::Tls(format!(
            "{} holds no certificate",
            certificate.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| SignallingError::Tls(format!("private key {}: {e}", key.display())))?;
    build(chain, key)
}

/// Generates a self-signed certificate for `names` (host names or IP addresses).
pub fn self_signed(names: Vec<String>) -> Result<Identity, SignallingError> {
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| SignallingError::Tls(format!("generating a certificate: {e}")))?;
    let key = PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    build(vec![certified.cert.der().clone()], key)
}

fn build(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Identity, SignallingError> {
    let fingerprint = chain.first().map(fingerprint).unwrap_or_default();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SignallingError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| SignallingError::Tls(format!("certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Identity { config: Arc::new(config), fingerprint })
}

/// SHA-256 of a certificate as `AB:CD:…`.
pub fn fingerprint(certificate: &CertificateDer<'_>) -> String {
    Sha256::digest(certificate.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
