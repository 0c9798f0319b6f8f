//! The metrics configuration file (TOML, by default `/etc/rapport/metrics.toml`): the admin's
//! password hash, the monitoring token, the TLS certificate and the release rules.
//!
//! ```toml
//! admin_password_hash = "$argon2id$v=19$..."   # from `rapport metrics hash-password`
//! metrics_token = "a long random string"       # Prometheus sends it as a bearer token
//! tls_certificate = "/etc/rapport/tls/cert.pem" # both or neither: a self-signed one otherwise
//! tls_private_key = "/etc/rapport/tls/key.pem"
//! k = 5                                         # suppress cells with fewer sessions
//! epsilon = 1.0                                 # privacy budget of each released cell
//! release_current_day = false                   # true releases today's cells before midnight
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::release::{DEFAULT_EPSILON, DEFAULT_K, Policy};
use crate::{Day, MetricsError};

/// Where the station looks for the configuration when not told.
pub const DEFAULT_CONFIG: &str = "/etc/rapport/metrics.toml";

/// The parsed configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The admin's password as an Argon2 PHC string; the dashboard refuses to start without one.
    pub admin_password_hash: Option<String>,
    /// The bearer token of `/metrics`; without one, `/metrics` answers 404.
    pub metrics_token: Option<String>,
    /// A PEM certificate chain for the dashboard.
    pub tls_certificate: Option<PathBuf>,
    /// The PEM private key of that certificate.
    pub tls_private_key: Option<PathBuf>,
    /// Cells with fewer sessions are suppressed.
    #[serde(default = "default_k")]
    pub k: u64,
    /// The differential-privacy budget of each released cell.
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
    /// Release the current day's cells too (weaker: they are then released in several states).
    #[serde(default)]
    pub release_current_day: bool,
}

fn default_k() -> u64 {
    DEFAULT_K
}

fn default_epsilon() -> f64 {
    DEFAULT_EPSILON
}

impl Default for Config {
    fn default() -> Self {
        Self {
            admin_password_hash: None,
            metrics_token: None,
            tls_certificate: None,
            tls_private_key: None,
            k: DEFAULT_K,
            epsilon: DEFAULT_EPSILON,
            release_current_day: false,
        }
    }
}

impl Config {
    /// Reads and checks the file at `path`.
    pub fn load(path: &Path) -> Result<Self, MetricsError> {
        let error = |message: String| MetricsError::Config { path: path.to_owned(), message };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        Self::parse(&text).map_err(error)
    }

    /// The file at `path` when given; otherwise the default file when it exists, or the
    /// defaults.
    pub fn load_or_default(path: Option<&Path>) -> Result<Self, MetricsError> {
        match path {
            Some(path) => Self::load(path),
            None if Path::new(DEFAULT_CONFIG).exists() => Self::load(Path::new(DEFAULT_CONFIG)),
            None => Ok(Self::default()),
        }
    }

    /// Parses and checks configuration text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|e| e.to_string())?;
        config.policy().check()?;
        if config.tls_certificate.is_some() != config.tls_private_key.is_some() {
            return Err("tls_certificate and tls_private_key go together".into());
        }
        if let Some(token) = &config.metrics_token
            && token.len() < 16
        {
            return Err("metrics_token must be at least 16 characters".into());
        }
        if let Some(hash) = &config.admin_password_hash
            && argon2::PasswordHash::new(hash).is_err()
        {
            return Err("admin_password_hash is not a PHC string; make one with `rapport metrics \
                 hash-password`"
                .into());
        }
        Ok(config)
    }

    /// The release rules, with the current UTC day withheld unless configured otherwise.
    pub fn policy(&self) -> Policy {
        Policy {
            k: self.k,
            epsilon: self.epsilon,
            withhold_from: (!self.release_current_day).then(Day::today),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let config = Config::parse("").expect("an empty file is the defaults");
        assert_eq!((config.k, config.epsilon), (5, 1.0));
        assert!(config.policy().withhold_from.is_some());
        for (text, needle) in [
            ("k = 0", "k must"),
            ("epsilon = -1.0", "epsilon"),
            ("metrics_token = \"short\"", "16"),
            ("tls_certificate = \"/x.pem\"", "go together"),
            ("admin_password_hash = \"hunter2\"", "PHC"),
            ("colour = 1", "unknown field"),
        ] {
            let error = Config::parse(text).expect_err(text);
            assert!(error.contains(needle), "{text}: {error}");
        }
    }
}
