//! The attract screen: nothing of a session is on it; showing it is all there is to do.

use crate::generated::{KioskWindow, Navigation, Screen};
use slint::ComponentHandle as _;

/// Puts the attract screen up.
pub fn show(window: &KioskWindow) {
    window.global::<Navigation>().set_screen(Screen::Attract);
}
