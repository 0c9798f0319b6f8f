//! Remote peers on the real kiosk screens: the invitation sheet, the pairing code, who is
//! connected, removal, and what the station's remote side is asked to do. The station's side is
//! a recorder here; the browser end to end is `appliance/station/tests/remote_session.rs`.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use rapport_scenario::Difficulty;
use rapport_session::{Event, PeerId, Role, Session, SessionEvent};
use rapport_ui::{
    ConversationAdapter, Invitation, Kiosk, KioskWindow, RemoteAddress, RemoteLink, RemotePeers,
    Screen,
};
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

/// What the kiosk asked of the station, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Asked {
    Started,
    Invite(Role),
    Remove(PeerId),
    /// A batch of events, by kind.
    Publish(Vec<&'static str>),
    Ended,
}

#[derive(Clone, Default)]
struct Recorder(Rc<RefCell<Vec<Asked>>>);

impl Recorder {
    fn asked(&self) -> Vec<Asked> {
        self.0.borrow().clone()
    }

    fn published(&self) -> Vec<&'static str> {
        self.asked()
            .into_iter()
            .filter_map(|a| match a {
                Asked::Publish(kinds) => Some(kinds),
                _ => None,
            })
            .flatten()
            .collect()
    }
}

impl RemotePeers for Recorder {
    fn invite(&self, role: Role) {
        self.0.borrow_mut().push(Asked::Invite(role));
    }
    fn remove(&self, peer: PeerId) {
        self.0.borrow_mut().push(Asked::Remove(peer));
    }
    fn session_started(&self, _session: &Session) {
        self.0.borrow_mut().push(Asked::Started);
    }
    fn publish(&self, _session: &Session, events: &[SessionEvent]) {
        self.0.borrow_mut().push(Asked::Publish(events.iter().map(kind).collect()));
    }
    fn session_ended(&self) {
        self.0.borrow_mut().push(Asked::Ended);
    }
}

fn kind(event: &SessionEvent) -> &'static str {
    match event {
        SessionEvent::Patient { .. } => "patient",
        SessionEvent::Trainee { .. } => "trainee",
        SessionEvent::Code { .. } => "code",
        SessionEvent::PeerJoined { .. } => "peer_joined",
        SessionEvent::PeerLeft { .. } => "peer_left",
        SessionEvent::Summary(_) => "summary",
        SessionEvent::Wiped => "wiped",
        _ => "other",
    }
}

const URL: &str = "https://10.0.0.5:8443/";
const FINGERPRINT: &str = "3F:A2:9C:11";

/// A kiosk whose station hosts remote peers, with a conversation started.
fn conversation(remote: bool) -> (KioskWindow, Kiosk, Recorder) {
    i_slint_backend_testing::init_no_event_loop();
    let window = KioskWindow::new().expect("the kiosk window builds");
    window.window().set_size(slint::PhysicalSize::new(1280, 800));
    let recorder = Recorder::default();
    let mut config = common::config();
    if remote {
        let address = RemoteAddress { url: URL.to_owned(), fingerprint: FINGERPRINT.to_owned() };
        config.remote = Some(RemoteLink::new(recorder.clone(), address));
    }
    let kiosk = Kiosk::new(&window, config);
    tap(&window, "Begin");
    let catalog = common::catalog();
    let scenario =
        catalog.iter().find(|s| s.difficulty == Difficulty::MIN).expect("a level-1 scenario");
    tap(&window, &scenario.title);
    tap(&window, "Start the conversation");
    assert_eq!(kiosk.screen(), Screen::Conversation);
    (window, kiosk, recorder)
}

fn buttons(window: &KioskWindow, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(window, label)
        .filter(|element| element.accessible_role() == Some(AccessibleRole::Button))
        .count()
}

fn tap(window: &KioskWindow, label: &str) {
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(window, label)
        .filter(|element| element.accessible_role() == Some(AccessibleRole::Button))
        .collect();
    assert_eq!(found.len(), 1, "expected one button labelled {label:?}");
    found[0].mock_single_click(PointerEventButton::Left);
}

fn shown_text(window: &KioskWindow, text: &str) -> bool {
    ElementHandle::find_by_accessible_label(window, text)
        .any(|element| element.accessible_role() == Some(AccessibleRole::Text))
}

fn invitation(role: Role, seconds: u64) -> Invitation {
    Invitation { role, code: "K7P2QX".to_owned(), valid_for: Duration::from_secs(seconds) }
}

#[test]
fn the_trainee_invites_an_actor_sees_them_join_and_removes_them() {
    let (window, kiosk, station) = conversation(true);
    assert_eq!(station.asked().first(), Some(&Asked::Started), "the station hears of the session");
    assert!(station.published().contains(&"patient"), "the opening line goes to the peers");

    tap(&window, "Invite someone");
    tap(&window, "Voice the patient");
    assert!(station.asked().contains(&Asked::Invite(Role::Actor)));
    // The station answers later, on the UI thread.
    kiosk.show_invitation(invitation(Role::Actor, 300));
    assert!(shown_text(&window, "Pairing code K7P2QX"), "the code is on the sheet");
    let adapter = window.global::<ConversationAdapter>();
    assert_eq!(adapter.get_invite_expires(), "5:00");
    assert_eq!(adapter.get_remote_url(), URL);
    assert_eq!(adapter.get_fingerprint(), FINGERPRINT);
    assert!(adapter.get_invite_qr().size().width > 0, "a QR code of the page with the code");
    kiosk.advance(Duration::from_secs(30));
    assert_eq!(adapter.get_invite_expires(), "4:30", "the time left counts down");

    kiosk.feed(Event::PeerJoined { peer: PeerId(3), role: Role::Actor });
    assert!(!adapter.get_invite_open(), "the sheet closes once the actor is in");
    assert_eq!(adapter.get_invite_code(), "", "a used code leaves the screen");
    assert_eq!(adapter.get_invite_qr().size().width, 0, "and so does its QR code");
    assert_eq!(adapter.get_peers().row_count(), 1);
    assert!(station.published().contains(&"peer_joined"));

    tap(&window, "Remove");
    assert!(station.asked().contains(&Asked::Remove(PeerId(3))), "the station cuts the peer off");
    assert_eq!(adapter.get_peers().row_count(), 0, "the peer leaves the list at once");
    // The station's confirmation of the same removal changes nothing and stops nothing.
    kiosk.feed(Event::PeerLeft { peer: PeerId(3) });
    assert!(kiosk.has_session());

    tap(&window, "End conversation");
    assert_eq!(kiosk.screen(), Screen::Summary);
    assert!(station.published().contains(&"summary"));
    assert_eq!(station.asked().last(), Some(&Asked::Ended), "the peers are sent away at the end");
    tap(&window, "Finish and erase everything");
    let ended = station.asked().iter().filter(|a| **a == Asked::Ended).count();
    assert_eq!(ended, 1, "the peers are sent away once");
}

#[test]
fn an_unused_code_leaves_the_screen_when_it_expires() {
    let (window, kiosk, _station) = conversation(true);
    tap(&window, "Invite someone");
    tap(&window, "Observe");
    kiosk.show_invitation(invitation(Role::Observer, 60));
    assert!(shown_text(&window, "Pairing code K7P2QX"));
    kiosk.advance(Duration::from_secs(61));
    assert!(!shown_text(&window, "Pairing code K7P2QX"), "an expired code is not shown");
    assert_eq!(window.global::<ConversationAdapter>().get_invite_code(), "");
}

#[test]
fn walking_away_sends_the_peers_away_and_wipes_the_code() {
    let (window, kiosk, station) = conversation(true);
    tap(&window, "Invite someone");
    tap(&window, "Supervise");
    kiosk.show_invitation(invitation(Role::Supervisor, 300));
    kiosk.advance(rapport_ui::IDLE_TIMEOUT);
    assert_eq!(kiosk.screen(), Screen::Attract);
    assert!(station.published().contains(&"wiped"), "the peers hear of the wipe");
    assert_eq!(station.asked().last(), Some(&Asked::Ended));
    let adapter = window.global::<ConversationAdapter>();
    assert_eq!(adapter.get_invite_code(), "");
    assert!(!adapter.get_invite_open());
    // A code arriving after the session is gone is not shown.
    kiosk.show_invitation(invitation(Role::Supervisor, 300));
    assert_eq!(adapter.get_invite_code(), "");
}

#[test]
fn a_station_without_remote_peers_offers_no_invitation() {
    let (window, kiosk, station) = conversation(false);
    assert_eq!(buttons(&window, "Invite someone"), 0);
    kiosk.handle(rapport_ui::Intent::Invite(Role::Actor));
    assert!(station.asked().is_empty());
}
