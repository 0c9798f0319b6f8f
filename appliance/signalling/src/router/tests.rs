//! The routing core driven without sockets: each test is a sequence of inputs and the outputs
//! they must cause.

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use rapport_wire::{ClientMessage, ErrorKind, PeerId, RemovedReason, Role, ServerMessage, Text};
use serde_json::json;

use super::*;

const LAPTOP: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20));

struct Harness {
    router: Router,
    now: Instant,
    random: u8,
}

impl Harness {
    fn new() -> Self {
        let mut harness = Self { router: Router::new(vec![]), now: Instant::now(), random: 0 };
        assert!(harness.input(Input::SessionStarted).is_empty());
        harness
    }

    fn input(&mut self, input: Input) -> Vec<Output> {
        self.router.handle(input, self.now)
    }

    fn invite(&mut self, role: Role) -> String {
        self.random += 1;
        let out = self.input(Input::Invite { role, random: [self.random; 6] });
        match out.as_slice() {
            [Output::Issued { code, role: issued }] if *issued == role => code.as_str().to_owned(),
            other => panic!("expected one code, got {other:?}"),
        }
    }

    fn connect(&mut self, conn: u64) -> ConnId {
        assert!(self.input(Input::Connected { conn: ConnId(conn), from: LAPTOP }).is_empty());
        ConnId(conn)
    }

    fn say(&mut self, conn: ConnId, message: ClientMessage) -> Vec<Output> {
        self.input(Input::Message { conn, message })
    }

    fn join(&mut self, conn: ConnId, code: &str) -> Vec<Output> {
        self.say(conn, ClientMessage::Join { version: 1, code: code.to_owned() })
    }

    /// Connects, joins with a fresh code for `role`, gets the offer out: the peer's id.
    fn joined(&mut self, conn: u64, role: Role) -> (ConnId, PeerId) {
        let code = self.invite(role);
        let conn = self.connect(conn);
        let out = self.join(conn, &code);
        let peer = match &out[0] {
            Output::Send { message: ServerMessage::Welcome { peer, role: r, .. }, .. }
                if *r == role =>
            {
                *peer
            }
            other => panic!("expected a welcome, got {other:?}"),
        };
        self.input(Input::Offer { peer, sdp: "offer".into() });
        (conn, peer)
    }
}

fn error_of(out: &[Output]) -> Option<(ErrorKind, bool)> {
    out.iter().find_map(|o| match o {
        Output::Send { message: ServerMessage::Error { error, fatal }, .. } => {
            Some((*error, *fatal))
        }
        _ => None,
    })
}

fn sent_to(out: &[Output], conn: ConnId) -> usize {
    out.iter().filter(|o| matches!(o, Output::Send { conn: c, .. } if *c == conn)).count()
}

#[test]
fn a_peer_joins_negotiates_and_leaves() {
    let mut h = Harness::new();
    let code = h.invite(Role::Actor);
    let conn = h.connect(1);
    let out = h.join(conn, &code);
    assert!(
        matches!(
            &out[..],
            [
                Output::Send {
                    message: ServerMessage::Welcome { peer: PeerId(1), role: Role::Actor, .. },
                    ..
                },
                Output::Session(PeerAction::Joined { peer: PeerId(1), role: Role::Actor }),
                Output::Media(MediaCommand::Start { peer: PeerId(1), role: Role::Actor }),
            ]
        ),
        "{out:?}"
    );
    let out = h.input(Input::Offer { peer: PeerId(1), sdp: "v=0 offer".into() });
    assert!(matches!(
        &out[..],
        [Output::Send { conn: ConnId(1), message: ServerMessage::Offer { .. } }]
    ));
    let out =
        h.input(Input::LocalIce { peer: PeerId(1), candidate: "c".into(), sdp_m_line_index: 0 });
    assert!(matches!(&out[..], [Output::Send { message: ServerMessage::Ice { .. }, .. }]));
    let out = h.say(conn, ClientMessage::Answer { sdp: "v=0 answer".into() });
    assert_eq!(
        out.iter().filter(|o| matches!(o, Output::Media(MediaCommand::Answer { .. }))).count(),
        1
    );
    let out = h.say(conn, ClientMessage::Ice { candidate: "c".into(), sdp_m_line_index: 0 });
    assert!(matches!(&out[..], [Output::Media(MediaCommand::RemoteIce { peer: PeerId(1), .. })]));
    assert_eq!(h.router.peers(), vec![(PeerId(1), Role::Actor)]);
    let out = h.say(conn, ClientMessage::Leave);
    assert!(
        matches!(
            &out[..],
            [
                Output::Media(MediaCommand::Stop { peer: PeerId(1) }),
                Output::Session(PeerAction::Left { peer: PeerId(1) }),
                Output::Close { conn: ConnId(1) },
            ]
        ),
        "{out:?}"
    );
    assert!(h.router.peers().is_empty());
}

#[test]
fn a_wrong_or_reused_code_is_refused() {
    let mut h = Harness::new();
    let code = h.invite(Role::Observer);
    let first = h.connect(1);
    assert_eq!(error_of(&h.join(first, "ZZZZZZ")), Some((ErrorKind::BadCode, false)));
    assert!(matches!(
        h.join(first, &code)[0],
        Output::Send { message: ServerMessage::Welcome { .. }, .. }
    ));
    let second = h.connect(2);
    assert_eq!(error_of(&h.join(second, &code)), Some((ErrorKind::BadCode, false)));
    assert_eq!(h.router.peers().len(), 1);
}

#[test]
fn messages_out_of_order_are_refused() {
    let mut h = Harness::new();
    let conn = h.connect(1);
    assert_eq!(
        error_of(&h.say(conn, ClientMessage::Answer { sdp: "x".into() })),
        Some((ErrorKind::OutOfOrder, false))
    );
    assert_eq!(
        error_of(&h.say(conn, ClientMessage::Nudge { text: Text::new("hi".into()) })),
        Some((ErrorKind::OutOfOrder, false))
    );
    let code = h.invite(Role::Supervisor);
    h.join(conn, &code);
    // Before the station's offer, an answer or a candidate makes no sense.
    assert_eq!(
        error_of(&h.say(conn, ClientMessage::Answer { sdp: "x".into() })),
        Some((ErrorKind::OutOfOrder, false))
    );
    assert_eq!(
        error_of(&h.say(conn, ClientMessage::Ice { candidate: "c".into(), sdp_m_line_index: 0 })),
        Some((ErrorKind::OutOfOrder, false))
    );
    assert_eq!(error_of(&h.join(conn, "AGAIN2")), Some((ErrorKind::OutOfOrder, false)));
    h.input(Input::Offer { peer: PeerId(1), sdp: "offer".into() });
    assert!(error_of(&h.say(conn, ClientMessage::Answer { sdp: "a".into() })).is_none());
    assert_eq!(
        error_of(&h.say(conn, ClientMessage::Answer { sdp: "a".into() })),
        Some((ErrorKind::OutOfOrder, false)),
        "a second answer"
    );
}

#[test]
fn roles_limit_what_a_peer_may_do() {
    let mut h = Harness::new();
    let (actor, actor_peer) = h.joined(1, Role::Actor);
    let (supervisor, supervisor_peer) = h.joined(2, Role::Supervisor);
    let (observer, _) = h.joined(3, Role::Observer);

    let out = h.say(supervisor, ClientMessage::Nudge { text: Text::new("reflect".into()) });
    assert!(
        matches!(&out[..], [Output::Session(PeerAction::Nudge { peer, .. })] if *peer == supervisor_peer)
    );
    let out = h.say(actor, ClientMessage::TakeOver);
    assert_eq!(out.len(), 1);
    assert!(
        matches!(&out[0], Output::Session(PeerAction::TakeOver { peer }) if *peer == actor_peer)
    );
    let out = h.say(actor, ClientMessage::Say { line: Text::new("Fine.".into()) });
    assert!(matches!(&out[..], [Output::Session(PeerAction::Say { .. })]));
    assert!(matches!(
        &h.say(actor, ClientMessage::HandBack)[..],
        [Output::Session(PeerAction::HandBack { .. })]
    ));

    for (conn, message) in [
        (observer, ClientMessage::Nudge { text: Text::new("x".into()) }),
        (actor, ClientMessage::Nudge { text: Text::new("x".into()) }),
        (supervisor, ClientMessage::TakeOver),
        (observer, ClientMessage::Say { line: Text::new("x".into()) }),
        (observer, ClientMessage::HandBack),
    ] {
        assert_eq!(error_of(&h.say(conn, message)), Some((ErrorKind::NotAllowed, false)));
    }
    assert_eq!(
        error_of(&h.say(supervisor, ClientMessage::Nudge { text: Text::new("  ".into()) })),
        Some((ErrorKind::Malformed, false))
    );
}

#[test]
fn garbage_gets_an_error_and_persistent_garbage_closes_the_connection() {
    let mut h = Harness::new();
    let (conn, peer) = h.joined(1, Role::Observer);
    for _ in 1..MAX_REFUSALS {
        let out = h.input(Input::Unparsable { conn, error: WireError::Malformed("not JSON") });
        assert_eq!(error_of(&out), Some((ErrorKind::Malformed, false)));
    }
    let out = h.input(Input::Unparsable { conn, error: WireError::TooLarge });
    assert_eq!(error_of(&out), Some((ErrorKind::TooLarge, true)));
    assert!(out.iter().any(|o| matches!(o, Output::Close { .. })));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaCommand::Stop { peer: p }) if *p == peer))
    );
    assert!(h.router.peers().is_empty());
}

#[test]
fn events_reach_only_the_roles_that_see_them() {
    let mut h = Harness::new();
    let (actor, _) = h.joined(1, Role::Actor);
    let (supervisor, _) = h.joined(2, Role::Supervisor);
    let (observer, _) = h.joined(3, Role::Observer);
    let pending = h.connect(4);
    let cases = [
        ("patient", [true, true, true]),
        ("code", [false, true, true]),
        ("gauges", [false, true, false]),
        ("state", [true, true, false]),
        ("nudge", [false, true, false]),
        ("summary", [false, true, true]),
        ("something_new", [false, false, false]),
    ];
    for (name, [to_actor, to_supervisor, to_observer]) in cases {
        let out = h.input(Input::SessionEvent { event: json!({"event": name}) });
        assert_eq!(sent_to(&out, actor) == 1, to_actor, "{name} to the actor");
        assert_eq!(sent_to(&out, supervisor) == 1, to_supervisor, "{name} to the supervisor");
        assert_eq!(sent_to(&out, observer) == 1, to_observer, "{name} to the observer");
        assert_eq!(sent_to(&out, pending), 0, "{name} to a connection that has not joined");
    }
}

#[test]
fn the_trainee_removes_a_peer_and_nothing_reaches_it_afterwards() {
    let mut h = Harness::new();
    let (conn, peer) = h.joined(1, Role::Supervisor);
    let (other, _) = h.joined(2, Role::Observer);
    let out = h.input(Input::Remove { peer });
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaCommand::Stop { peer: p }) if *p == peer))
    );
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Session(PeerAction::Left { peer: p }) if *p == peer))
    );
    assert!(out.iter().any(|o| matches!(o,
        Output::Send { conn: c, message: ServerMessage::Removed { reason: RemovedReason::ByTrainee } } if *c == conn)));
    assert!(out.iter().any(|o| matches!(o, Output::Close { conn: c } if *c == conn)));
    let out = h.input(Input::SessionEvent { event: json!({"event": "patient"}) });
    assert_eq!(sent_to(&out, conn), 0);
    assert_eq!(sent_to(&out, other), 1);
    assert!(
        h.input(Input::LocalIce { peer, candidate: "c".into(), sdp_m_line_index: 0 }).is_empty()
    );
    // A closed connection's late messages go nowhere.
    assert!(h.say(conn, ClientMessage::Nudge { text: Text::new("x".into()) }).is_empty());
    assert!(h.input(Input::Remove { peer }).is_empty(), "removing twice is harmless");
}

#[test]
fn a_reloaded_page_leaves_and_rejoins_with_a_fresh_code_as_a_new_peer() {
    let mut h = Harness::new();
    let (conn, peer) = h.joined(1, Role::Actor);
    let out = h.input(Input::Disconnected { conn });
    assert!(matches!(
        &out[..],
        [Output::Media(MediaCommand::Stop { peer: p }), Output::Session(PeerAction::Left { peer: q })]
            if *p == peer && *q == peer
    ));
    let (_, again) = h.joined(2, Role::Actor);
    assert_ne!(again, peer);
    assert_eq!(h.router.peers(), vec![(again, Role::Actor)]);
}

#[test]
fn a_new_session_shares_nothing_with_the_last() {
    let mut h = Harness::new();
    let (old, peer) = h.joined(1, Role::Observer);
    let unused = h.invite(Role::Observer);
    let out = h.input(Input::SessionEnded);
    assert!(out.iter().any(|o| matches!(o,
        Output::Send { conn: c, message: ServerMessage::Removed { reason: RemovedReason::SessionEnded } } if *c == old)));
    assert!(
        out.iter()
            .any(|o| matches!(o, Output::Media(MediaCommand::Stop { peer: p }) if *p == peer))
    );
    // Between sessions nobody joins and no code is issued.
    let waiting = h.connect(2);
    assert_eq!(error_of(&h.join(waiting, &unused)), Some((ErrorKind::NoSession, false)));
    assert!(h.input(Input::Invite { role: Role::Actor, random: [1; 6] }).is_empty());
    h.input(Input::SessionStarted);
    // The last session's code is void in the new one.
    assert_eq!(error_of(&h.join(waiting, &unused)), Some((ErrorKind::BadCode, false)));
    let out = h.input(Input::SessionEvent { event: json!({"event": "patient"}) });
    assert_eq!(sent_to(&out, old), 0);
    assert!(h.input(Input::Offer { peer, sdp: "x".into() }).is_empty());
}

#[test]
fn each_peer_receives_only_its_own_negotiation() {
    let mut h = Harness::new();
    let (first, first_peer) = h.joined(1, Role::Observer);
    let (second, _) = h.joined(2, Role::Observer);
    let out =
        h.input(Input::LocalIce { peer: first_peer, candidate: "c".into(), sdp_m_line_index: 0 });
    assert_eq!(sent_to(&out, first), 1);
    assert_eq!(sent_to(&out, second), 0);
}

#[test]
fn a_connection_that_never_joins_is_closed_after_a_while() {
    let mut h = Harness::new();
    let idle = h.connect(1);
    let (joined, _) = h.joined(2, Role::Observer);
    assert!(h.input(Input::Tick).is_empty());
    h.now += JOIN_TIMEOUT;
    let out = h.input(Input::Tick);
    assert!(matches!(&out[..], [Output::Close { conn }] if *conn == idle), "{out:?}");
    assert!(h.say(idle, ClientMessage::Join { version: 1, code: "ABCDEF".into() }).is_empty());
    assert!(h.input(Input::Tick).is_empty(), "a joined peer stays");
    let _ = joined;
}
