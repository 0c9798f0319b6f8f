//! Pairing codes: short, one-time, short-lived, each bound to a role, and a per-address limit on
//! failed attempts. Pure: the caller passes the time and the random bytes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rapport_wire::{ErrorKind, Role};
use zeroize::Zeroize as _;

/// The characters of a code: digits and capitals without the look-alikes 0/O, 1/I/L.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code: 31^6 ≈ 8.9 × 10^8 codes.
pub const CODE_LENGTH: usize = 6;
/// How long a code stays valid after the kiosk shows it.
pub const CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// Failed attempts an address may make within [`FAILURE_WINDOW`].
pub const MAX_FAILURES: u32 = 5;
/// The window over which failures are counted.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Codes outstanding at once; the oldest goes when the kiosk issues more.
pub const MAX_OUTSTANDING: usize = 8;

/// A pairing code. Its `Debug` hides it: codes are never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// The code as the kiosk shows it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(…)")
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

struct Outstanding {
    code: Code,
    role: Role,
    expires: Instant,
}

struct Failures {
    count: u32,
    since: Instant,
}

/// The codes the kiosk has issued and not yet seen used, and recent failures per address.
#[derive(Default)]
pub struct Pairings {
    outstanding: Vec<Outstanding>,
    failures: HashMap<IpAddr, Failures>,
}

impl Pairings {
    /// Issues a code for `role`, made from `random` (one byte per character).
    pub fn issue(&mut self, role: Role, now: Instant, random: [u8; CODE_LENGTH]) -> Code {
        self.prune(now);
        if self.outstanding.len() >= MAX_OUTSTANDING {
            self.outstanding.remove(0);
        }
        // 256 is not a multiple of 31: the first 8 characters are a little likelier, which
        // costs less than a tenth of a bit of the code's 29.7.
        let code: String = random
            .iter()
            .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
            .collect();
        let code = Code(code);
        self.outstanding.push(Outstanding {
            code: code.clone(),
            role,
            expires: now + CODE_LIFETIME,
        });
        code
    }

    /// Uses up `typed` (case, spaces and dashes do not matter) from `from`: the role it grants,
    /// or why not. A failure counts against the address; a used code is gone.
    pub fn redeem(&mut self, typed: &str, from: IpAddr, now: Instant) -> Result<Role, ErrorKind> {
        self.prune(now);
        if self.failures.get(&from).is_some_and(|f| f.count >= MAX_FAILURES) {
            return Err(ErrorKind::RateLimited);
        }
        let mut normal: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let found = self.outstanding.iter().position(|o| same(o.code.as_str(), &normal));
        normal.zeroize();
        match found {
            Some(index) => {
                let used = self.outstanding.remove(index);
                Ok(used.role)
            }
            None => {
                let failures =
                    self.failures.entry(from).or_insert(Failures { count: 0, since: now });
                failures.count += 1;
                Err(ErrorKind::BadCode)
            }
        }
    }

    /// Forgets every outstanding code (the session ended or a new one started).
    pub fn revoke_all(&mut self) {
        self.outstanding.clear();
    }

    /// How many codes are waiting to be used.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    fn prune(&mut self, now: Instant) {
        self.outstanding.retain(|o| o.expires > now);
        self.failures.retain(|_, f| now.duration_since(f.since) < FAILURE_WINDOW);
    }
}

/// Compares without stopping at the first difference, so timing tells nothing about a prefix.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7));
    const OTHER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 8));

    #[test]
    fn a_code_is_short_readable_and_grants_its_role_once() {
        let now = Instant::now();
        let mut pairings = Pairings::default();
        let code = pairings.issue(Role::Supervisor, now, [0, 1, 2, 30, 31, 255]);
        assert_eq!(code.as_str(), "234Z29");
        assert_eq!(format!("{code:?}"), "Code(…)");
        let typed = "234-z29 ";
        assert_eq!(pairings.redeem(typed, HOME, now), Ok(Role::Supervisor));
        assert_eq!(pairings.redeem(typed, HOME, now), Err(ErrorKind::BadCode), "used up");
    }

    #[test]
    fn a_code_expires() {
        let now = Instant::now();
        let mut pairings = Pairings::default();
        let code = pairings.issue(Role::Actor, now, [5; CODE_LENGTH]);
        let later = now + CODE_LIFETIME + Duration::from_secs(1);
        assert_eq!(pairings.redeem(code.as_str(), HOME, later), Err(ErrorKind::BadCode));
        assert_eq!(pairings.outstanding(), 0);
    }

    #[test]
    fn failures_are_limited_per_address_and_forgiven_after_the_window() {
        let now = Instant::now();
        let mut pairings = Pairings::default();
        let code = pairings.issue(Role::Observer, now, [9; CODE_LENGTH]);
        for _ in 0..MAX_FAILURES {
            assert_eq!(pairings.redeem("WRONG1", HOME, now), Err(ErrorKind::BadCode));
        }
        assert_eq!(pairings.redeem(code.as_str(), HOME, now), Err(ErrorKind::RateLimited));
        // Another address is not punished, and the right code still works from there.
        assert_eq!(pairings.redeem(code.as_str(), OTHER, now), Ok(Role::Observer));
        let later = now + FAILURE_WINDOW;
        let code = pairings.issue(Role::Observer, later, [10; CODE_LENGTH]);
        assert_eq!(pairings.redeem(code.as_str(), HOME, later), Ok(Role::Observer));
    }

    #[test]
    fn revoking_forgets_every_code_and_old_codes_make_room() {
        let now = Instant::now();
        let mut pairings = Pairings::default();
        let first = pairings.issue(Role::Actor, now, [1; CODE_LENGTH]);
        for i in 0..MAX_OUTSTANDING {
            pairings.issue(Role::Actor, now, [2 + i as u8; CODE_LENGTH]);
        }
        assert_eq!(pairings.outstanding(), MAX_OUTSTANDING);
        assert_eq!(pairings.redeem(first.as_str(), HOME, now), Err(ErrorKind::BadCode));
        pairings.revoke_all();
        assert_eq!(pairings.outstanding(), 0);
    }
}
