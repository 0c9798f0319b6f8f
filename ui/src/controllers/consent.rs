//! The consent screen: the chosen scenario's brief, the metrics opt-in, and whether remote
//! peers can be invited once the conversation starts.

use std::rc::Rc;

use rapport_scenario::Scenario;
use slint::{ModelRc, SharedString, VecModel};

use crate::generated::{ConsentAdapter, KioskWindow, Navigation, Screen};
use slint::ComponentHandle as _;

/// Shows the consent screen for `scenario`.
pub fn show(window: &KioskWindow, scenario: &Scenario, metrics_opt_in: bool, remote: bool) {
    let adapter = window.global::<ConsentAdapter>();
    adapter.set_title(scenario.title.as_str().into());
    adapter.set_skill(scenario.skill.as_str().into());
    adapter.set_difficulty(i32::from(scenario.difficulty.level()));
    adapter.set_setting(scenario.setting.as_str().into());
    adapter.set_brief(scenario.brief.as_str().into());
    let goals: Vec<SharedString> = scenario.goals.iter().map(|goal| goal.as_str().into()).collect();
    adapter.set_goals(ModelRc::from(Rc::new(VecModel::from(goals))));
    adapter.set_metrics_opt_in(metrics_opt_in);
    adapter.set_pairing_available(remote);
    window.global::<Navigation>().set_screen(Screen::Consent);
}

/// Shows the trainee's metrics choice.
pub fn set_metrics(window: &KioskWindow, on: bool) {
    window.global::<ConsentAdapter>().set_metrics_opt_in(on);
}

/// Forgets the choice (the metrics opt-in holds for one session only).
pub fn clear(window: &KioskWindow) {
    window.global::<ConsentAdapter>().set_metrics_opt_in(false);
}
