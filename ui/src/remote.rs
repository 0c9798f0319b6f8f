//! Remote peers as the kiosk sees them. The kiosk does not speak WebRTC or HTTPS: it asks the
//! station, through [`RemotePeers`], to draw a pairing code, to remove a peer and to pass the
//! session's events on; the station answers by calling [`Kiosk::show_invitation`] and
//! [`Kiosk::feed`](crate::Kiosk::feed) on the UI thread.
//!
//! [`Kiosk::show_invitation`]: crate::Kiosk::show_invitation

use std::time::Duration;

use rapport_session::{PeerId, Role, Session, SessionEvent};

/// What the kiosk asks of the station's remote side. Every call returns at once; the answer, if
/// any, comes back later on the UI thread.
pub trait RemotePeers {
    /// Draws a one-time pairing code for `role`; it comes back as an [`Invitation`].
    fn invite(&self, role: Role);
    /// Disconnects `peer` at once: its media stops and its page is told it was removed.
    fn remove(&self, peer: PeerId);
    /// A session began: codes can be used from now on.
    fn session_started(&self, session: &Session);
    /// The engine answered: the events go to the peers whose role sees them. `session` is the
    /// state after the events (the actor's suggestions follow the patient's mood).
    fn publish(&self, session: &Session, events: &[SessionEvent]);
    /// The session ended or was wiped: every peer is sent away and codes stop working.
    fn session_ended(&self);
}

/// The station's remote side as the kiosk holds it.
pub struct RemoteLink {
    peers: Box<dyn RemotePeers>,
    /// Where a browser opens the page, and the certificate's fingerprint to compare.
    pub address: RemoteAddress,
}

impl RemoteLink {
    /// A link through `peers`, reachable at `address`.
    pub fn new(peers: impl RemotePeers + 'static, address: RemoteAddress) -> Self {
        Self { peers: Box::new(peers), address }
    }

    pub(crate) fn peers(&self) -> &dyn RemotePeers {
        self.peers.as_ref()
    }
}

impl std::fmt::Debug for RemoteLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteLink").field("address", &self.address).finish_non_exhaustive()
    }
}

/// Where remote peers find the station.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteAddress {
    /// The page's address, such as `https://10.0.0.5:8443/`.
    pub url: String,
    /// The SHA-256 fingerprint of the station's certificate (`AB:CD:…`), which a browser shows
    /// when it warns about a certificate it does not know.
    pub fingerprint: String,
}

/// A pairing code the station drew for the kiosk to show.
#[derive(Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The role the code grants.
    pub role: Role,
    /// The code a person types on the page.
    pub code: String,
    /// How long the code stays valid.
    pub valid_for: Duration,
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The code admits whoever types it first: it stays off logs.
        f.debug_struct("Invitation")
            .field("role", &self.role)
            .field("valid_for", &self.valid_for)
            .finish_non_exhaustive()
    }
}

/// The key the screens use for `role` (see `Names.role`).
pub(crate) fn role_key(role: Role) -> &'static str {
    match role {
        Role::Actor => "actor",
        Role::Supervisor => "supervisor",
        Role::Observer => "observer",
    }
}

/// The role a screen's key names.
pub(crate) fn role_from_key(key: &str) -> Option<Role> {
    match key {
        "actor" => Some(Role::Actor),
        "supervisor" => Some(Role::Supervisor),
        "observer" => Some(Role::Observer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_go_both_ways() {
        for role in [Role::Actor, Role::Supervisor, Role::Observer] {
            assert_eq!(role_from_key(role_key(role)), Some(role));
        }
        assert_eq!(role_from_key("trainee"), None);
    }

    #[test]
    fn an_invitation_keeps_its_code_off_debug_output() {
        let invitation = Invitation {
            role: Role::Actor,
            code: "K7P2QX".to_owned(),
            valid_for: Duration::from_secs(300),
        };
        assert!(!format!("{invitation:?}").contains("K7P2QX"));
    }
}
