//! Loading what a spoken session needs from the model store, with errors a technician can act
//! on (which file, which command fetches it).

use anyhow::Context as _;
use rapport_models::ModelStore;
use rapport_speech::{
    Accelerator, EndpointConfig, Listener, SileroVad, Voice, WhisperRecognizer, WhisperSettings,
    asr::WhisperModel, voice::patient_voice,
};

use super::Ears;

/// The trainee's side: voice activity, endpointing and the recogniser (`model`, with the
/// station's tuned settings).
pub fn ears(store: &ModelStore, model: WhisperModel) -> anyhow::Result<Ears> {
    ears_with(store, model, WhisperSettings::tuned())
}

/// The trainee's side with other recogniser settings (`rapport bench speech` compares whisper's
/// defaults with the station's).
pub fn ears_with(
    store: &ModelStore,
    model: WhisperModel,
    settings: WhisperSettings,
) -> anyhow::Result<Ears> {
    let vad = SileroVad::load(store).context("while loading the voice activity detector")?;
    let settings = WhisperSettings {
        accelerator: Accelerator::from_env().context("while choosing where speech runs")?,
        ..settings
    };
    let recognizer = WhisperRecognizer::load(store, model, settings)
        .context("while loading the speech recogniser")?;
    // whisper.cpp's buffers are reserved: from here on glibc overwrites what C libraries free.
    rapport_wipe::perturb_c_heap();
    Ok(Ears {
        listener: Listener::new(vad, EndpointConfig::default()),
        recognizer: Box::new(recognizer),
    })
}

/// The patient's voice: Piper, or espeak-ng when the Piper model is not in the store.
pub fn voice(store: &ModelStore) -> anyhow::Result<Box<dyn Voice + Send>> {
    patient_voice(store).context("while loading the patient's voice")
}

/// The model store, or an error naming where it was looked for and how to fill it.
pub fn store() -> anyhow::Result<ModelStore> {
    ModelStore::locate().context("spoken sessions need the speech models")
}

/// The model store, or an error that also offers the typed demo.
pub fn store_or_hint() -> anyhow::Result<ModelStore> {
    ModelStore::locate().context(
        "the spoken demo needs the speech models (run `models/fetch`, or `rapport demo --text` for the typed demo)",
    )
}
