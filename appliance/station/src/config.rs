//! The station's configuration: `/etc/rapport/station.toml` (read-only, baked into the image),
//! overlaid key by key by `station.toml` on the data partition, which a lab may change.
//!
//! Every key is optional; a missing file is the defaults. A malformed file is an error naming the
//! file, the line and the key.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rapport_wipe::MemoryLock;
use serde::Deserialize;

use crate::cli::WhisperArg;

/// Where the image puts the base configuration; `RAPPORT_CONFIG` names another file.
pub const BASE_CONFIG: &str = "/etc/rapport/station.toml";
/// The station's one writable partition.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/rapport";
/// The overlay's file name inside the data directory.
const OVERLAY_NAME: &str = "station.toml";

/// One configuration file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data_dir: Option<PathBuf>,
    scenarios: Option<PathBuf>,
    memory_lock: Option<MemoryLockSetting>,
    remote: Option<RemoteConfig>,
    speech: Option<SpeechConfig>,
}

/// `[speech]`: the kiosk listens to the trainee and voices the patient.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SpeechConfig {
    /// The microphone, as ALSA names it.
    #[serde(default = "default_device")]
    pub microphone: String,
    /// The loudspeaker, as ALSA names it.
    #[serde(default = "default_device")]
    pub speaker: String,
    /// The recogniser: `tiny_en` (the default) or `base`.
    #[serde(default)]
    pub whisper: WhisperArg,
}

fn default_device() -> String {
    "default".to_owned()
}

/// `[remote]`: the kiosk hosts remote peers (actor, supervisor, observer) from browsers.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RemoteConfig {
    /// Address and port of the page and its WebSocket, such as `0.0.0.0:8443`.
    pub listen: std::net::SocketAddr,
    /// The certificate (PEM); one is generated at start-up, and its fingerprint shown on the
    /// kiosk, when left out.
    pub certificate: Option<PathBuf>,
    /// The certificate's key (PEM); required with `certificate`.
    pub key: Option<PathBuf>,
    /// STUN and TURN URLs for labs whose peers are off the LAN; none by default.
    #[serde(default)]
    pub ice_servers: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum MemoryLockSetting {
    Required,
    BestEffort,
}

/// The configuration in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationConfig {
    /// The writable data partition (aggregates, the configuration overlay).
    pub data_dir: PathBuf,
    /// A scenario folder; the built-in catalog when `None`.
    pub scenarios: Option<PathBuf>,
    /// Whether the station refuses to run when it cannot lock its memory against swap.
    pub memory_lock: MemoryLock,
    /// Remote peers, when the lab wants them (the whole `[remote]` table of the overlay
    /// replaces the base's).
    pub remote: Option<RemoteConfig>,
    /// Speech, when the kiosk has a microphone and a loudspeaker (the overlay's `[speech]`
    /// table replaces the base's).
    pub speech: Option<SpeechConfig>,
}

impl StationConfig {
    /// Reads the base file (`RAPPORT_CONFIG` or [`BASE_CONFIG`]) and the overlay in its data
    /// directory.
    pub fn load() -> anyhow::Result<Self> {
        let base = std::env::var_os("RAPPORT_CONFIG")
            .map_or_else(|| PathBuf::from(BASE_CONFIG), PathBuf::from);
        Self::load_from(&base)
    }

    /// Reads `base` and the overlay in the data directory it names.
    pub fn load_from(base: &Path) -> anyhow::Result<Self> {
        let base = read(base)?.unwrap_or_default();
        let data_dir = base.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let overlay = read(&data_dir.join(OVERLAY_NAME))?.unwrap_or_default();
        let lock = overlay.memory_lock.or(base.memory_lock).unwrap_or(MemoryLockSetting::Required);
        Ok(Self {
            // The overlay lives in the data directory, so it cannot move it.
            data_dir,
            scenarios: overlay.scenarios.or(base.scenarios),
            memory_lock: match lock {
                MemoryLockSetting::Required => MemoryLock::Required,
                MemoryLockSetting::BestEffort => MemoryLock::BestEffort,
            },
            remote: overlay.remote.or(base.remote),
            speech: overlay.speech.or(base.speech),
        })
    }
}

/// The file at `path`, or `None` when there is none.
fn read(path: &Path) -> anyhow::Result<Option<ConfigFile>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error).with_context(|| format!("while reading {}", path.display()));
        }
    };
    let file: ConfigFile = toml::from_str(&text).map_err(|error| {
        let line = error.span().map_or(1, |span| text[..span.start].matches('\n').count() + 1);
        anyhow::anyhow!("{}:{line}: {}", path.display(), error.message().trim())
    })?;
    Ok(Some(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_wins_key_by_key_and_missing_files_are_defaults() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("mkdir");
        let base = dir.path().join("station.toml");
        std::fs::write(
            &base,
            format!("data_dir = {:?}\nscenarios = \"/usr/share/rapport/scenarios\"\n", data),
        )
        .expect("writing");
        std::fs::write(data.join("station.toml"), "memory_lock = \"best_effort\"\n")
            .expect("writing");
        let config = StationConfig::load_from(&base).expect("valid");
        assert_eq!(config.data_dir, data);
        assert_eq!(config.scenarios, Some(PathBuf::from("/usr/share/rapport/scenarios")));
        assert_eq!(config.memory_lock, MemoryLock::BestEffort);
        assert_eq!(config.remote, None, "no remote peers unless asked for");

        let none = StationConfig::load_from(&dir.path().join("absent.toml")).expect("defaults");
        assert_eq!(none.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(none.memory_lock, MemoryLock::Required);
    }

    #[test]
    fn remote_peers_are_configured_in_their_own_table() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = dir.path().join("station.toml");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("mkdir");
        std::fs::write(
            &base,
            format!("data_dir = {data:?}\n[remote]\nlisten = \"0.0.0.0:8443\"\n"),
        )
        .expect("writing");
        let config = StationConfig::load_from(&base).expect("valid");
        let remote = config.remote.expect("remote peers configured");
        assert_eq!(remote.listen, "0.0.0.0:8443".parse().expect("an address"));
        assert!(remote.ice_servers.is_empty() && remote.certificate.is_none());

        std::fs::write(
            data.join("station.toml"),
            "[remote]\nlisten = \"10.0.0.5:9443\"\nice_servers = [\"stun:stun.lab.test:3478\"]\n",
        )
        .expect("writing");
        let config = StationConfig::load_from(&base).expect("valid");
        let remote = config.remote.expect("remote peers configured");
        assert_eq!(remote.listen.port(), 9443, "the lab's overlay wins");
        assert_eq!(remote.ice_servers.len(), 1);

        std::fs::write(data.join("station.toml"), "[remote]\nlisten = \"nowhere\"\n")
            .expect("writing");
        let error = StationConfig::load_from(&base).expect_err("invalid").to_string();
        assert!(error.contains("station.toml:2:"), "{error}");
    }

    #[test]
    fn speech_has_defaults_for_every_key() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = dir.path().join("station.toml");
        std::fs::write(&base, "data_dir = \"/nonexistent\"\n[speech]\n").expect("writing");
        let speech = StationConfig::load_from(&base).expect("valid").speech.expect("speech on");
        assert_eq!(speech.microphone, "default");
        assert_eq!(speech.whisper, WhisperArg::TinyEn);
        std::fs::write(&base, "data_dir = \"/nonexistent\"\n[speech]\nwhisper = \"large\"\n")
            .expect("writing");
        let error = StationConfig::load_from(&base).expect_err("invalid").to_string();
        assert!(error.contains("station.toml:3:"), "{error}");
    }

    #[test]
    fn a_malformed_file_names_its_line() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = dir.path().join("station.toml");
        std::fs::write(&base, "\nmemory_lock = \"sometimes\"\n").expect("writing");
        let error = StationConfig::load_from(&base).expect_err("invalid").to_string();
        assert!(error.starts_with(&format!("{}:2:", base.display())), "{error}");
        std::fs::write(&base, "colour = 1\n").expect("writing");
        let error = StationConfig::load_from(&base).expect_err("invalid").to_string();
        assert!(error.contains("unknown field `colour`"), "{error}");
    }
}
