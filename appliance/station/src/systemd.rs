//! The station's side of systemd's service protocol: readiness, status, watchdog pings and
//! stopping, sent as datagrams to `$NOTIFY_SOCKET`.
//!
//! Written against the protocol, not against libsystemd, so it works (and is tested) without
//! systemd: a test binds a datagram socket, points `NOTIFY_SOCKET` at it and reads what arrives.

use std::io;
use std::os::linux::net::SocketAddrExt as _;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Sends state changes to the service manager, or nowhere when not started by one.
#[derive(Debug)]
pub struct Notifier {
    target: Option<(UnixDatagram, SocketAddr)>,
}

impl Notifier {
    /// The notifier `$NOTIFY_SOCKET` asks for; a silent one when the variable is unset.
    pub fn from_env() -> io::Result<Self> {
        let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
            return Ok(Self { target: None });
        };
        let path = path.to_string_lossy().into_owned();
        let address = match path.strip_prefix('@') {
            // A name in the abstract namespace.
            Some(name) => SocketAddr::from_abstract_name(name.as_bytes())?,
            None => SocketAddr::from_pathname(&path)?,
        };
        let socket = UnixDatagram::unbound()?;
        Ok(Self { target: Some((socket, address)) })
    }

    /// Whether a service manager is listening.
    pub fn is_active(&self) -> bool {
        self.target.is_some()
    }

    /// Sends `state` (`READY=1`, `WATCHDOG=1`, `STATUS=...`, `STOPPING=1`, one per line).
    pub fn notify(&self, state: &str) -> io::Result<()> {
        match &self.target {
            Some((socket, address)) => socket.send_to_addr(state.as_bytes(), address).map(|_| ()),
            None => Ok(()),
        }
    }
}

/// How often to ping the watchdog: half the interval systemd gave in `WATCHDOG_USEC`, when that
/// interval is meant for this process (`WATCHDOG_PID` unset or equal to our pid).
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.trim().parse().ok()?;
    if let Ok(pid) = std::env::var("WATCHDOG_PID")
        && pid.trim().parse::<u32>().ok()? != std::process::id()
    {
        return None;
    }
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrams_reach_a_listening_socket() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).expect("binding");
        let address = SocketAddr::from_pathname(&path).expect("an address");
        let notifier =
            Notifier { target: Some((UnixDatagram::unbound().expect("a socket"), address)) };
        assert!(notifier.is_active());
        notifier.notify("READY=1\nSTATUS=ready").expect("sending");
        let mut buffer = [0u8; 64];
        let n = listener.recv(&mut buffer).expect("receiving");
        assert_eq!(&buffer[..n], b"READY=1\nSTATUS=ready");
    }

    #[test]
    fn without_a_service_manager_nothing_is_sent_and_nothing_fails() {
        let notifier = Notifier { target: None };
        assert!(!notifier.is_active());
        notifier.notify("READY=1").expect("a silent notifier never fails");
    }
}
