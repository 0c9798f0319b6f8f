//! Running the kiosk on a real screen: a desktop window (feature `desktop`) or the device's
//! DRM/KMS output (feature `device`). A build with neither says so instead of failing later.

use crate::config::KioskConfig;
use crate::error::UiError;

/// Whether this build can show the kiosk on a real screen.
pub const HAS_SCREEN_BACKEND: bool = cfg!(any(feature = "desktop", feature = "device"));

/// Shows the kiosk full screen and runs until the window closes.
#[cfg(any(feature = "desktop", feature = "device"))]
pub fn run_kiosk(config: KioskConfig) -> Result<(), UiError> {
    use std::time::{Duration, Instant};

    use slint::ComponentHandle as _;

    use crate::generated::KioskWindow;
    use crate::kiosk::Kiosk;

    let window = KioskWindow::new().map_err(UiError::Screen)?;
    let kiosk = Kiosk::new(&window, config);
    if cfg!(feature = "device") {
        window.window().set_fullscreen(true);
    }
    // The session's ticks and the idle timeout, from the monotonic clock.
    let timer = slint::Timer::default();
    let mut last = Instant::now();
    timer.start(slint::TimerMode::Repeated, Duration::from_millis(500), move || {
        let now = Instant::now();
        kiosk.advance(now - last);
        last = now;
    });
    window.run().map_err(UiError::Screen)
}

/// Without a screen backend there is nothing to show the kiosk on.
#[cfg(not(any(feature = "desktop", feature = "device")))]
pub fn run_kiosk(config: KioskConfig) -> Result<(), UiError> {
    drop(config);
    Err(UiError::NoBackend)
}
