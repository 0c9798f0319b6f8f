//! Echo cancellation needs the speaker's probe: a microphone opened with it before any speaker
//! fails with an error that says so. (Its own test binary, so no other test's speaker exists.)

use rapport_audio::{AudioError, MicConfig, MicInput};

#[test]
fn echo_cancellation_without_a_speaker_is_an_error_naming_the_missing_probe() {
    let error = MicInput::open(&MicConfig::new("null")).err().expect("no probe to cancel against");
    match &error {
        AudioError::Device { device, message, .. } => {
            assert_eq!(device, "null");
            assert!(message.contains("rapport-echo-probe"), "{message}");
        }
        other => panic!("expected a device error, got {other}"),
    }
    // Without echo cancellation the same microphone opens.
    let config = MicConfig { echo_cancel: false, ..MicConfig::new("null") };
    assert!(MicInput::open(&config).is_ok());
}
