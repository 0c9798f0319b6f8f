//! The catalog screen: every scenario by skill and level, locked levels with the level that
//! opens them (from [`Progression::blocking_level`]).

use std::rc::Rc;

use rapport_scenario::{Catalog, Difficulty, Skill};
use rapport_session::Progression;
use slint::{ModelRc, VecModel};

use crate::generated::{
    CatalogAdapter, KioskWindow, Navigation, ScenarioCardData, Screen, SkillGroup,
};
use slint::ComponentHandle as _;

/// Fills the catalog from `catalog` and `progression`, and shows it.
pub fn show(window: &KioskWindow, catalog: &Catalog, progression: &Progression) {
    let groups: Vec<SkillGroup> = Skill::ALL
        .into_iter()
        .filter(|&skill| catalog.of_skill(skill).next().is_some())
        .map(|skill| {
            let cards: Vec<ScenarioCardData> = catalog
                .of_skill(skill)
                .map(|scenario| {
                    let blocking = progression.blocking_level(catalog, scenario);
                    ScenarioCardData {
                        id: scenario.id.as_str().into(),
                        title: scenario.title.as_str().into(),
                        setting: scenario.setting.as_str().into(),
                        difficulty: i32::from(scenario.difficulty.level()),
                        locked: blocking.is_some(),
                        blocking_level: blocking.map_or(0, |level| i32::from(level.level())),
                    }
                })
                .collect();
            SkillGroup {
                skill: skill.as_str().into(),
                scenarios: ModelRc::from(Rc::new(VecModel::from(cards))),
            }
        })
        .collect();
    let adapter = window.global::<CatalogAdapter>();
    adapter.set_skills(ModelRc::from(Rc::new(VecModel::from(groups))));
    adapter.set_locked_notice_level(0);
    window.global::<Navigation>().set_screen(Screen::Catalog);
}

/// Says that the chosen scenario is locked, and which level opens it.
pub fn show_locked(window: &KioskWindow, blocking: Difficulty) {
    window.global::<CatalogAdapter>().set_locked_notice_level(i32::from(blocking.level()));
}
