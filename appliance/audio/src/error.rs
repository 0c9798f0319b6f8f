//! The errors of this crate: each names what failed (file, device, element) and carries
//! GStreamer's own words where GStreamer reported the failure.

use std::fmt;
use std::path::PathBuf;

/// Which way a device carries sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A microphone.
    Capture,
    /// A speaker.
    Playback,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Capture => "capture",
            Self::Playback => "playback",
        })
    }
}

/// What went wrong with local audio.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// GStreamer itself could not start.
    #[error("GStreamer could not be initialised: {0}")]
    Init(String),
    /// An element this crate needs is not installed.
    #[error("GStreamer element `{element}` is missing: install {package}")]
    MissingElement {
        /// The element's factory name.
        element: &'static str,
        /// The Debian package that carries it.
        package: &'static str,
    },
    /// A WAV file could not be opened or decoded.
    #[error("cannot read audio file {}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What GStreamer said.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// A sound device failed to open, or failed while in use (unplugged, say).
    #[error("{direction} device `{device}` failed: {message}")]
    Device {
        /// The ALSA device name as configured.
        device: String,
        /// Microphone or speaker.
        direction: Direction,
        /// What GStreamer said.
        message: String,
    },
    /// A pipeline of this crate failed for another reason.
    #[error("audio pipeline `{pipeline}` failed: {message}")]
    Pipeline {
        /// Which pipeline.
        pipeline: &'static str,
        /// What GStreamer said.
        message: String,
    },
    /// A chunk to play was empty or had no sample rate.
    #[error("invalid audio chunk: {0}")]
    InvalidChunk(&'static str),
}
