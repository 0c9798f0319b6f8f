//! The summary screen: counts and ratios against the thresholds, key moments, one suggestion.

use std::rc::Rc;

use rapport_coding::Label;
use rapport_session::{EndReason, Rating, Summary};
use slint::{ModelRc, SharedString, VecModel};

use crate::generated::{CountRow, KioskWindow, MomentRow, Navigation, Screen, SummaryAdapter};
use slint::ComponentHandle as _;

/// Shows `summary`; `unlocked` says whether it opened the next level.
pub fn show(window: &KioskWindow, summary: &Summary, unlocked: bool) {
    let adapter = window.global::<SummaryAdapter>();
    adapter.set_rating(
        match summary.rating {
            Rating::BelowFair => "below_fair",
            Rating::Fair => "fair",
            Rating::Good => "good",
        }
        .into(),
    );
    adapter.set_end_reason(
        match summary.end_reason {
            EndReason::GoalReached => "goal_reached",
            EndReason::PatientLeft => "patient_left",
            EndReason::TimeUp => "time_up",
            EndReason::EndedByTrainee => "ended_by_trainee",
        }
        .into(),
    );
    adapter.set_turns(i32::from(summary.trainee_turns));
    adapter.set_measures(ModelRc::from(Rc::new(VecModel::from(super::gauges(
        &summary.gauges,
        summary.counts.total() > 0,
    )))));
    let counts: Vec<CountRow> = Label::ALL
        .into_iter()
        .filter(|&label| summary.counts.get(label) > 0)
        .map(|label| CountRow {
            label: label.as_str().into(),
            count: i32::try_from(summary.counts.get(label)).unwrap_or(i32::MAX),
        })
        .collect();
    adapter.set_counts(ModelRc::from(Rc::new(VecModel::from(counts))));
    let moments: Vec<MomentRow> = summary
        .moments
        .iter()
        .map(|moment| MomentRow {
            turn: i32::from(moment.turn),
            text: moment.text.expose().into(),
            label: moment.label.as_str().into(),
            helped: moment.helped,
        })
        .collect();
    adapter.set_moments(ModelRc::from(Rc::new(VecModel::from(moments))));
    adapter.set_suggestion(summary.suggestion.into());
    adapter.set_next_level_unlocked(unlocked);
    adapter.set_lines_for_rating(
        i32::try_from(rapport_session::MIN_RATED_UTTERANCES).unwrap_or(i32::MAX),
    );
    window.global::<Navigation>().set_screen(Screen::Summary);
}

/// Erases every property of the screen that held session content.
pub fn clear(window: &KioskWindow) {
    let adapter = window.global::<SummaryAdapter>();
    adapter.set_measures(ModelRc::default());
    adapter.set_counts(ModelRc::default());
    adapter.set_moments(ModelRc::default());
    adapter.set_suggestion(SharedString::new());
    adapter.set_rating(SharedString::new());
    adapter.set_end_reason(SharedString::new());
    adapter.set_turns(0);
    adapter.set_next_level_unlocked(false);
}
