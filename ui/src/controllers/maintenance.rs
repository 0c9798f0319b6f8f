//! The maintenance screen and its PIN entry. The PIN's digits never reach the screen: only how
//! many were typed.

use std::rc::Rc;

use rapport_scenario::Catalog;
use slint::{ModelRc, SharedString, VecModel};

use crate::generated::{KioskWindow, MaintenanceAdapter, Navigation, Screen, Theme};
use slint::ComponentHandle as _;

/// Shows the PIN entry.
pub fn show_pin(window: &KioskWindow, pin_configured: bool) {
    let adapter = window.global::<MaintenanceAdapter>();
    adapter.set_unlocked(false);
    adapter.set_pin_configured(pin_configured);
    adapter.set_pin_length(0);
    adapter.set_pin_error(SharedString::new());
    window.global::<Navigation>().set_screen(Screen::Maintenance);
}

/// Shows how many digits were typed, and whether the last try was wrong.
pub fn show_pin_progress(window: &KioskWindow, typed: usize, wrong: bool) {
    let adapter = window.global::<MaintenanceAdapter>();
    adapter.set_pin_length(i32::try_from(typed).unwrap_or(i32::MAX));
    adapter.set_pin_error(if wrong { "wrong".into() } else { SharedString::new() });
}

/// Opens maintenance: version and the catalog's check.
pub fn show_unlocked(window: &KioskWindow, version: &str, catalog: &Catalog, problems: &[String]) {
    let adapter = window.global::<MaintenanceAdapter>();
    adapter.set_unlocked(true);
    adapter.set_pin_length(0);
    adapter.set_pin_error(SharedString::new());
    adapter.set_version(version.into());
    adapter.set_scenarios_loaded(i32::try_from(catalog.len()).unwrap_or(i32::MAX));
    let problems: Vec<SharedString> = problems.iter().map(|p| p.as_str().into()).collect();
    adapter.set_catalog_problems(ModelRc::from(Rc::new(VecModel::from(problems))));
}

/// Switches between the light and the dark theme.
pub fn set_dark(window: &KioskWindow, dark: bool) {
    window.global::<Theme>().set_dark(dark);
}

/// Locks maintenance again.
pub fn lock(window: &KioskWindow) {
    let adapter = window.global::<MaintenanceAdapter>();
    adapter.set_unlocked(false);
    adapter.set_pin_length(0);
    adapter.set_pin_error(SharedString::new());
}
