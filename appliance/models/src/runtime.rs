//! Loading ONNX Runtime from the model store, once per process.
//!
//! The `ort` crate is built with `load-dynamic`: the library is the store's
//! `libonnxruntime.so`, checked against its pin like every model, never a copy fetched at
//! build or run time. A board whose image builds ONNX Runtime for its own CPU names that system
//! library in `RAPPORT_ONNXRUNTIME` instead (its integrity is the read-only root's).

use std::sync::OnceLock;

use crate::{Model, ModelError, ModelStore};

/// The process's one ONNX Runtime environment, kept alive for every session created after it.
/// The environment variable naming a system ONNX Runtime library to use instead of the store's.
pub const ONNXRUNTIME_ENV: &str = "RAPPORT_ONNXRUNTIME";

static LOADED: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();

/// Loads ONNX Runtime from `store` the first time it is called and returns the process's
/// environment, which every `ort` session is built from; later calls return the first call's
/// outcome.
pub fn init_onnx_runtime(
    store: &ModelStore,
) -> Result<&'static ort::environment::Environment, ModelError> {
    let path = match std::env::var_os(ONNXRUNTIME_ENV) {
        Some(path) => std::path::PathBuf::from(path),
        None => store.path(Model::OnnxRuntime)?,
    };
    let outcome = LOADED.get_or_init(|| {
        ort::init_from(&path)
            .map_err(|error| error.to_string())?
            .with_name("rapport")
            .build()
            .map_err(|error| error.to_string())
    });
    match outcome {
        Ok(environment) => Ok(environment),
        Err(message) => Err(ModelError::Runtime { path, message: message.clone() }),
    }
}
