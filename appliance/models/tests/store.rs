//! Against the real store that `models/fetch` fills: every default model is present and pinned,
//! and ONNX Runtime loads from it.

use rapport_models::{Model, ModelStore, init_onnx_runtime};

#[test]
fn the_fetched_store_holds_every_default_model_and_loads_onnx_runtime() {
    let store = ModelStore::locate().expect("a model store (run models/fetch)");
    for entry in store.manifest().models.iter().filter(|entry| !entry.optional) {
        store.path_by_name(&entry.name).unwrap_or_else(|error| panic!("{error}"));
    }
    let environment = init_onnx_runtime(&store).expect("ONNX Runtime loads");
    // A second call returns the same environment.
    let again = init_onnx_runtime(&store).expect("ONNX Runtime is still loaded");
    assert!(std::ptr::eq(environment, again));
    let vad = store.path(Model::SileroVad).expect("vad");
    let session = ort::session::Session::builder(environment)
        .expect("builder")
        .commit_from_file(&vad)
        .expect("the VAD model loads in ONNX Runtime");
    assert!(!session.inputs().is_empty());
}
