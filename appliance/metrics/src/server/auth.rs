//! Who may see what: the lab admin logs in with a password checked against its Argon2 hash and
//! gets a session cookie; Prometheus presents the configured bearer token.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use sha2::{Digest as _, Sha256};

use crate::MetricsError;

/// The admin cookie's name; the `__Host-` prefix makes the browser insist on Secure, Path=/ and
/// no Domain.
pub const COOKIE: &str = "__Host-rapport_admin";
/// How long a login lasts.
pub const LOGIN_LIFETIME: Duration = Duration::from_secs(60 * 60);
/// At most this many logins are held at once; the oldest goes first.
const MAX_LOGINS: usize = 32;

/// Hashes `password` into an Argon2id PHC string for the configuration file.
pub fn hash_password(password: &str) -> Result<String, MetricsError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| MetricsError::Password(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| MetricsError::Password(e.to_string()))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| MetricsError::Password(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
}

/// Compares a presented bearer token with the configured one in constant time (over their
/// SHA-256 digests, so the lengths do not leak either).
pub fn token_matches(configured: &str, presented: &str) -> bool {
    let a = Sha256::digest(configured.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The logins in force: random tokens and when they expire. Nothing is written anywhere.
#[derive(Default)]
pub struct Logins {
    tokens: Mutex<HashMap<String, Instant>>,
}

impl Logins {
    /// Starts a login and returns its cookie value.
    pub fn start(&self) -> Result<String, MetricsError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| MetricsError::Password(e.to_string()))?;
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.retain(|_, expires| *expires > now);
        while tokens.len() >= MAX_LOGINS {
            let Some(oldest) = tokens.iter().min_by_key(|(_, e)| **e).map(|(t, _)| t.clone())
            else {
                break;
            };
            tokens.remove(&oldest);
        }
        tokens.insert(token.clone(), now + LOGIN_LIFETIME);
        Ok(token)
    }

    /// Whether `token` is a login in force.
    pub fn is_valid(&self, token: &str) -> bool {
        let tokens = self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        tokens.get(token).is_some_and(|expires| *expires > Instant::now())
    }

    /// Ends the login `token`.
    pub fn end(&self, token: &str) {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(token);
    }
}

/// The admin cookie's value in a `Cookie` header, if any.
pub fn cookie_value(header: &str) -> Option<&str> {
    header.split(';').map(str::trim).find_map(|pair| pair.strip_prefix(COOKIE)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_tokens_and_cookies() {
        let hash = hash_password("correct horse").expect("hashing works");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password("not a hash", "x"));
        assert!(token_matches("0123456789abcdef", "0123456789abcdef"));
        assert!(!token_matches("0123456789abcdef", "0123456789abcdeF"));
        let logins = Logins::default();
        let token = logins.start().expect("random bytes");
        assert!(logins.is_valid(&token));
        logins.end(&token);
        assert!(!logins.is_valid(&token));
        assert_eq!(cookie_value("a=1; __Host-rapport_admin=abc; b=2"), Some("abc"));
        assert_eq!(cookie_value("x__Host-rapport_admin=abc"), None);
    }
}
