//! The trained coder as the station runs it (Rust, `tokenizers`, ONNX Runtime) against the
//! training script's own figures for the same sentences (`fixtures/parity.json`, written by
//! `models/coder/build`): the same word pieces, the same probabilities as ONNX Runtime in Python,
//! and probabilities close to the PyTorch model before quantization.
//!
//! The model comes from the model store (`models/fetch` puts it there); without it these tests
//! fail with the error that names the missing file.

use rapport_coder_model::{FineClass, ModelCoder};
use rapport_coding::{Coder, Context, MainBehaviour};
use rapport_models::ModelStore;
use serde::Deserialize;

/// ONNX Runtime in Rust and in Python run the same graph on the same input.
const SAME_RUNTIME: f32 = 1e-4;
/// The int8 model against the float PyTorch model it was quantized from.
const QUANTIZED: f32 = 0.1;

#[derive(Deserialize)]
struct Fixture {
    sentences: Vec<Sentence>,
}

#[derive(Deserialize)]
struct Sentence {
    text: String,
    previous: String,
    input_ids: Vec<i64>,
    token_type_ids: Vec<i64>,
    onnx_fine: Vec<f32>,
    onnx_input_kind: Vec<f32>,
    torch_fine: Vec<f32>,
}

fn coder() -> ModelCoder {
    let store = ModelStore::locate().unwrap_or_else(|error| panic!("{error}"));
    ModelCoder::load(&store).unwrap_or_else(|error| panic!("{error}"))
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/parity.json")).expect("the fixture parses")
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn rust_and_python_agree_on_the_fixture_sentences() {
    let coder = coder();
    let fixture = fixture();
    assert!(fixture.sentences.len() >= 10);
    for sentence in &fixture.sentences {
        let previous = (!sentence.previous.is_empty()).then_some(sentence.previous.as_str());
        let encoded = coder.encode_input(&sentence.text, previous).expect("encodes");
        assert_eq!(encoded.ids, sentence.input_ids, "word pieces of {:?}", sentence.text);
        assert_eq!(encoded.type_ids, sentence.token_type_ids, "segments of {:?}", sentence.text);
        let prediction = coder.run(&encoded).expect("runs");
        let onnx = max_difference(&prediction.fine, &sentence.onnx_fine);
        assert!(onnx <= SAME_RUNTIME, "{:?}: {onnx} from ONNX Runtime in Python", sentence.text);
        let kind = max_difference(&prediction.input_kind, &sentence.onnx_input_kind);
        assert!(kind <= SAME_RUNTIME, "{:?}: input kind {kind}", sentence.text);
        let torch = max_difference(&prediction.fine, &sentence.torch_fine);
        assert!(torch <= QUANTIZED, "{:?}: {torch} from the float model", sentence.text);
        assert!((prediction.fine.iter().sum::<f32>() - 1.0).abs() < 1e-3);
    }
}

#[test]
fn clear_utterances_get_their_behaviour() {
    let coder = coder();
    let none = Context::default();
    let open = coder.predict("What brings you in today?", None).expect("runs").decide();
    assert_eq!(open.fine, FineClass::OpenQuestion);
    let asked = coder.code("how would your life be different if you stopped", &none);
    assert_eq!(asked.label.main(), MainBehaviour::Question, "unpunctuated, as recognised");
    let reflection = coder.code(
        "so you're worried about what it's doing to your health",
        &Context { previous_patient: Some("my doctor said my liver numbers are up"), ..none },
    );
    assert_eq!(reflection.label.main(), MainBehaviour::Reflection);
    // Advice, which AnnoMI calls input, comes from the rules as persuasion.
    let advice = coder.code("You need to stop smoking.", &none);
    assert_eq!(advice.label, rapport_coding::Label::Persuade);
}

#[test]
fn any_input_gets_a_valid_code() {
    let coder = coder();
    let long = "and then ".repeat(2000);
    for text in ["", " ", "🙂🙂", "?", long.as_str(), "ok\u{0}ok"] {
        let code =
            coder.code(text, &Context { previous_patient: Some(text), ..Context::default() });
        assert!((0.0..=1.0).contains(&code.confidence), "{text:?}");
    }
}
