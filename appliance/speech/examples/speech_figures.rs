//! Prints the speech bench's figures (what `rapport bench speech` will show) for the store's
//! models: `cargo run -p rapport-speech --release --example speech_figures [base]`.

#![allow(clippy::print_stdout)]

use rapport_speech::asr::WhisperModel;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = match std::env::args().nth(1).as_deref() {
        Some("base") => WhisperModel::Base,
        _ => WhisperModel::TinyEn,
    };
    let store = rapport_models::ModelStore::locate()?;
    let figures = rapport_speech::bench::run(&store, model)?;
    print!("{figures}");
    Ok(())
}
