//! Fuzzes `rapport_wire::parse_client`: any bytes either parse into a message within its limits,
//! which encodes back to the same message, or give a content-free error; nothing panics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(message) = rapport_wire::parse_client(bytes) {
        let again = rapport_wire::parse_client(rapport_wire::encode(&message).as_bytes());
        assert_eq!(again.as_ref(), Ok(&message));
    }
});
