//! The wipe confirmation.

use crate::generated::{KioskWindow, Navigation, Screen};
use slint::ComponentHandle as _;

/// Shows that everything was erased.
pub fn show(window: &KioskWindow) {
    window.global::<Navigation>().set_screen(Screen::Wiped);
}
