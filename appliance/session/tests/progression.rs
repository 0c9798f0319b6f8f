//! Difficulty progression over the shipped catalog: a level opens when the one below reaches fair.

mod common;

use rapport_scenario::Skill;
use rapport_session::{Progression, Rating};

#[test]
fn the_next_level_opens_at_fair_and_not_below() {
    let catalog = common::catalog();
    let mi: Vec<_> = catalog.of_skill(Skill::MotivationalInterviewing).collect();
    assert!(mi.len() >= 2, "the catalog has several MI levels");
    let (first, second) = (mi[0], mi[1]);
    assert!(first.difficulty < second.difficulty);

    let mut progression = Progression::default();
    assert!(progression.is_unlocked(&catalog, first), "the easiest level is always open");
    assert!(!progression.is_unlocked(&catalog, second));
    assert_eq!(progression.blocking_level(&catalog, second), Some(first.difficulty));

    assert!(!progression.record(&catalog, first, Rating::BelowFair));
    assert!(!progression.is_unlocked(&catalog, second));
    assert!(progression.record(&catalog, first, Rating::Fair));
    assert!(progression.is_unlocked(&catalog, second));
    assert!(!progression.record(&catalog, first, Rating::Good), "nothing new opened");

    // Other skills are untouched.
    for skill in [Skill::EmpathicResponse, Skill::BreakingBadNews, Skill::DeEscalation] {
        let levels: Vec<_> = catalog.of_skill(skill).collect();
        assert!(progression.is_unlocked(&catalog, levels[0]));
        if let Some(harder) = levels.get(1) {
            assert!(!progression.is_unlocked(&catalog, harder), "{}", harder.id);
        }
    }
}
