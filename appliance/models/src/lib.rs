//! The model store: every model the station uses, found on disk and checked against its pin.
//!
//! `models/manifest.toml` (embedded at build time) names each model, its file in the store and
//! its sha256. `models/fetch` fills the store; this crate only reads it. Nothing is downloaded
//! at run time: a missing or altered model is a [`ModelError`] that names the file and the command
//! that fetches it.
//!
//! The store is found at `RAPPORT_MODELS` when set, else at the first of [`STORE_DIRS`] that
//! exists.

mod manifest;
mod runtime;

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

pub use manifest::{Manifest, ManifestEntry, Source};
pub use runtime::{ONNXRUNTIME_ENV, init_onnx_runtime};

/// Where a station looks for its models when `RAPPORT_MODELS` is not set: the image's read-only
/// copy first, then the cache `models/fetch` fills on a development or CI machine.
pub const STORE_DIRS: [&str; 2] = ["/usr/share/rapport/models", "/var/cache/rapport/models/store"];

/// The command that fills the store, named in every error about a missing model.
pub const FETCH_COMMAND: &str = "models/fetch";

/// The models the station knows by name (each is an entry of the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Model {
    /// ONNX Runtime's shared library.
    OnnxRuntime,
    /// Whisper tiny.en (ggml), the default recogniser.
    WhisperTinyEn,
    /// Whisper base (ggml), the selectable recogniser.
    WhisperBase,
    /// Silero voice activity detector.
    SileroVad,
    /// The patient's Piper voice.
    PiperVoice,
    /// The Piper voice's configuration (phoneme map, sample rate).
    PiperVoiceConfig,
}

impl Model {
    /// The model's name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Self::OnnxRuntime => "onnxruntime",
            Self::WhisperTinyEn => "whisper-tiny.en",
            Self::WhisperBase => "whisper-base",
            Self::SileroVad => "silero-vad",
            Self::PiperVoice => "piper-joe",
            Self::PiperVoiceConfig => "piper-joe-config",
        }
    }
}

/// Why a model cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No store folder exists.
    #[error("no model store found (looked in $RAPPORT_MODELS, {}); run `{FETCH_COMMAND}`", STORE_DIRS.join(", "))]
    NoStore,
    /// The model's file is not in the store.
    #[error("model {name} is missing: {path} does not exist; run `{FETCH_COMMAND}`{with}")]
    Missing {
        /// The model's name.
        name: String,
        /// Where it was expected.
        path: PathBuf,
        /// ` --with NAME` for an optional model.
        with: String,
    },
    /// The model's file does not hash to its pin.
    #[error(
        "model {name} at {path} is corrupt or not the pinned version (sha256 {found}, expected {expected}); run `{FETCH_COMMAND}` to fetch it again"
    )]
    Corrupt {
        /// The model's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// The hash found.
        found: String,
        /// The pinned hash.
        expected: String,
    },
    /// The model could not be read.
    #[error("cannot read model {name} at {path}: {source}")]
    Read {
        /// The model's name.
        name: String,
        /// Its file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The manifest does not name this model.
    #[error("the embedded model manifest has no entry {0}")]
    Unknown(String),
    /// The embedded manifest does not parse (a build defect).
    #[error("the embedded model manifest is malformed: {0}")]
    Manifest(String),
    /// ONNX Runtime could not be loaded.
    #[error("cannot load ONNX Runtime from {path}: {message}")]
    Runtime {
        /// The library's path.
        path: PathBuf,
        /// What ort said.
        message: String,
    },
}

/// A folder of models, checked against the embedded manifest before use.
#[derive(Debug)]
pub struct ModelStore {
    dir: PathBuf,
    manifest: Manifest,
    verified: Mutex<HashMap<String, PathBuf>>,
}

impl ModelStore {
    /// The store named by `RAPPORT_MODELS`, or the first of [`STORE_DIRS`] that exists.
    pub fn locate() -> Result<Self, ModelError> {
        if let Some(dir) = std::env::var_os("RAPPORT_MODELS") {
            return Self::at(PathBuf::from(dir));
        }
        STORE_DIRS
            .iter()
            .map(PathBuf::from)
            .find(|dir| dir.is_dir())
            .ok_or(ModelError::NoStore)
            .and_then(Self::at)
    }

    /// The store in `dir`, checked against the embedded manifest.
    pub fn at(dir: impl Into<PathBuf>) -> Result<Self, ModelError> {
        Ok(Self {
            dir: dir.into(),
            manifest: Manifest::embedded()?,
            verified: Mutex::new(HashMap::new()),
        })
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The manifest the store is checked against.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The path of `model`, after checking (once per process) that it hashes to its pin.
    pub fn path(&self, model: Model) -> Result<PathBuf, ModelError> {
        self.path_by_name(model.name())
    }

    /// The path of the manifest entry `name`, verified as [`ModelStore::path`] does.
    pub fn path_by_name(&self, name: &str) -> Result<PathBuf, ModelError> {
        if let Some(path) = self.lock().get(name) {
            return Ok(path.clone());
        }
        let entry =
            self.manifest.entry(name).ok_or_else(|| ModelError::Unknown(name.to_owned()))?;
        let path = self.dir.join(&entry.file);
        if !path.is_file() {
            return Err(ModelError::Missing {
                name: name.to_owned(),
                with: if entry.optional { format!(" --with {name}") } else { String::new() },
                path,
            });
        }
        let found = sha256_file(&path).map_err(|source| ModelError::Read {
            name: name.to_owned(),
            path: path.clone(),
            source,
        })?;
        if !found.eq_ignore_ascii_case(&entry.sha256) {
            return Err(ModelError::Corrupt {
                name: name.to_owned(),
                path,
                found,
                expected: entry.sha256.clone(),
            });
        }
        self.lock().insert(name.to_owned(), path.clone());
        Ok(path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, PathBuf>> {
        // A panic while holding this lock leaves only a cache of verified paths behind.
        self.verified.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The lowercase hex sha256 of a file's bytes.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_model_is_in_the_manifest() {
        let manifest = Manifest::embedded().expect("manifest parses");
        for model in [
            Model::OnnxRuntime,
            Model::WhisperTinyEn,
            Model::WhisperBase,
            Model::SileroVad,
            Model::PiperVoice,
            Model::PiperVoiceConfig,
        ] {
            assert!(manifest.entry(model.name()).is_some(), "{model:?}");
        }
    }

    #[test]
    fn a_missing_model_names_its_file_and_the_fetch_command() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ModelStore::at(dir.path()).expect("store");
        let message = store.path(Model::SileroVad).expect_err("missing").to_string();
        assert!(message.contains("silero_vad.onnx"), "{message}");
        assert!(message.contains(FETCH_COMMAND), "{message}");
        let optional = store.path(Model::WhisperBase).expect_err("missing").to_string();
        assert!(optional.contains("--with whisper-base"), "{optional}");
    }

    #[test]
    fn a_model_with_other_bytes_is_refused_as_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("silero_vad.onnx"), b"not the model").expect("write");
        let store = ModelStore::at(dir.path()).expect("store");
        let error = store.path(Model::SileroVad).expect_err("corrupt");
        assert!(matches!(error, ModelError::Corrupt { .. }), "{error}");
        assert!(error.to_string().contains("fetch it again"));
    }

    #[test]
    fn sha256_of_known_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").expect("write");
        assert_eq!(
            sha256_file(&path).expect("hash"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
