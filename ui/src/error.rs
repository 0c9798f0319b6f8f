//! What can go wrong when the UI starts or renders.

/// A failure of the UI itself (never of a session: the session's problems are shown on screen).
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    /// The build has neither the desktop nor the device backend.
    #[error(
        "this build has no screen backend: build with `--features desktop` for a window on a \
         desktop, or `--features device` for the kiosk's DRM/KMS screen"
    )]
    NoBackend,
    /// The backend could not open a screen (no display, no DRM device, no permission).
    #[error("could not open the screen (is a display or a DRM/KMS device available?): {0}")]
    Screen(#[source] slint::PlatformError),
    /// A headless platform was asked for where another one is already installed.
    #[error("a Slint platform is already installed in this thread")]
    PlatformTaken,
    /// A frame could not be written as PNG.
    #[error("while writing {path}: {source}")]
    Png {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A rendered frame was blank or had no text on it.
    #[error("the {screen} screen rendered blank or without text in the {theme} theme")]
    BlankFrame {
        /// The screen.
        screen: &'static str,
        /// The theme.
        theme: &'static str,
    },
    /// No scenario of the catalog can be started, so there is nothing to show.
    #[error("the catalog has no scenario that can be started")]
    EmptyCatalog,
}
