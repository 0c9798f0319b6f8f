//! The parser on valid messages, every refusal, and arbitrary bytes (a deterministic fuzz run
//! inside `cargo test`: random bytes and mutations of valid messages must never panic and must
//! come back either as a message within its limits or as an error).

#![allow(clippy::unwrap_used)]

use super::*;

fn parse(text: &str) -> Result<ClientMessage, WireError> {
    parse_client(text.as_bytes())
}

#[test]
fn every_client_message_parses() {
    assert_eq!(
        parse(r#"{"type":"join","version":1,"code":"ABC123"}"#),
        Ok(ClientMessage::Join { version: 1, code: "ABC123".into() })
    );
    assert_eq!(
        parse(r#"{"type":"answer","sdp":"v=0"}"#),
        Ok(ClientMessage::Answer { sdp: "v=0".into() })
    );
    assert_eq!(
        parse(r#"{"type":"ice","candidate":"candidate:1","sdp_m_line_index":0}"#),
        Ok(ClientMessage::Ice { candidate: "candidate:1".into(), sdp_m_line_index: 0 })
    );
    assert_eq!(
        parse(r#"{"type":"nudge","text":"slow down"}"#),
        Ok(ClientMessage::Nudge { text: Text::new("slow down".into()) })
    );
    assert_eq!(parse(r#"{"type":"take_over"}"#), Ok(ClientMessage::TakeOver));
    assert_eq!(parse(r#"{"type":"hand_back"}"#), Ok(ClientMessage::HandBack));
    assert_eq!(
        parse(r#"{"type":"say","line":"I suppose"}"#),
        Ok(ClientMessage::Say { line: Text::new("I suppose".into()) })
    );
    assert_eq!(parse(r#"{"type":"leave"}"#), Ok(ClientMessage::Leave));
}

#[test]
fn refusals_name_the_problem_and_carry_no_content() {
    assert_eq!(parse("not json at all"), Err(WireError::Malformed("not JSON")));
    assert_eq!(parse(r#"{"type":"sing"}"#), Err(WireError::Malformed("not a known message")));
    assert_eq!(
        parse(r#"{"type":"answer","sdp":"v=0","extra":1}"#),
        Err(WireError::Malformed("not a known message"))
    );
    assert_eq!(
        parse(r#"{"type":"join","version":2,"code":"A"}"#),
        Err(WireError::UnsupportedVersion)
    );
    assert_eq!(parse_client(&[0xff, 0xfe]), Err(WireError::Malformed("not UTF-8")));
    let long = "x".repeat(MAX_TEXT_BYTES + 1);
    assert_eq!(parse(&format!(r#"{{"type":"nudge","text":"{long}"}}"#)), Err(WireError::TooLarge));
    let huge = vec![b' '; MAX_MESSAGE_BYTES + 1];
    assert_eq!(parse_client(&huge), Err(WireError::TooLarge));
    let secret = "my patient's secret";
    let error = parse(&format!(r#"{{"type":"nudge","text":"{secret}","x":1}}"#)).unwrap_err();
    assert!(!error.to_string().contains("secret"));
    assert!(!format!("{error:?}").contains("secret"));
}

#[test]
fn typed_text_never_shows_in_debug() {
    let message = parse(r#"{"type":"nudge","text":"ask about the weekend"}"#).unwrap();
    let debug = format!("{message:?}");
    assert!(!debug.contains("weekend"), "{debug}");
    assert!(debug.contains("21 bytes"), "{debug}");
    let event = EventBody(serde_json::json!({"event": "patient", "text": "I drink a lot"}));
    assert_eq!(format!("{event:?}"), "EventBody(patient)");
}

#[test]
fn server_messages_round_trip() {
    let messages = [
        ServerMessage::Welcome {
            version: PROTOCOL_VERSION,
            peer: PeerId(3),
            role: Role::Supervisor,
            ice_servers: vec![],
        },
        ServerMessage::Offer { sdp: "v=0".into() },
        ServerMessage::Ice { candidate: "candidate:1".into(), sdp_m_line_index: 0 },
        ServerMessage::Event { event: EventBody(serde_json::json!({"event": "gauges"})) },
        ServerMessage::Removed { reason: RemovedReason::ByTrainee },
        ServerMessage::Error { error: ErrorKind::BadCode, fatal: false },
    ];
    for message in messages {
        let encoded = encode(&message);
        assert_eq!(parse_server(encoded.as_bytes()), Ok(message), "{encoded}");
    }
    assert_eq!(
        encode(&ServerMessage::Error { error: ErrorKind::OutOfOrder, fatal: true }),
        r#"{"type":"error","error":"out_of_order","fatal":true}"#
    );
}

/// A small deterministic generator (xorshift), so a failure reproduces from its iteration.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"{"type":"join","version":1,"code":"ABC123"}"#,
    r#"{"type":"answer","sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}"#,
    r#"{"type":"ice","candidate":"candidate:1 1 UDP 1 127.0.0.1 5000 typ host","sdp_m_line_index":0}"#,
    r#"{"type":"nudge","text":"try a reflection"}"#,
    r#"{"type":"say","line":"I suppose so."}"#,
    r#"{"type":"take_over"}"#,
    r#"{"type":"leave"}"#,
];

fn check(bytes: &[u8]) {
    match parse_client(bytes) {
        Ok(message) => {
            assert!(bytes.len() <= MAX_MESSAGE_BYTES);
            // What parses is within its limits and encodes back to something that parses.
            let again = parse_client(encode(&message).as_bytes());
            assert_eq!(again.as_ref(), Ok(&message));
        }
        Err(error) => {
            let _ = error.kind();
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let len = random.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| random.next() as u8).collect();
        check(&bytes);
    }
}

#[test]
fn mutated_messages_never_panic() {
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let alphabet = b"{}[]\":,\\0123456789aetnu \xff\x00";
    let mut accepted = 0;
    for _ in 0..50_000 {
        let mut bytes = SEEDS[random.below(SEEDS.len())].as_bytes().to_vec();
        for _ in 0..1 + random.below(4) {
            let at = random.below(bytes.len() + 1);
            match random.below(4) {
                0 if at < bytes.len() => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, alphabet[random.below(alphabet.len())]),
                2 if at < bytes.len() => bytes[at] = alphabet[random.below(alphabet.len())],
                _ => bytes.truncate(at),
            }
        }
        if parse_client(&bytes).is_ok() {
            accepted += 1;
        }
        check(&bytes);
    }
    // The mutations keep some messages valid, so both paths of `check` run.
    assert!(accepted > 0);
}
