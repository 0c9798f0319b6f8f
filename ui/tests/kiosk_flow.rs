//! The real screens, driven headlessly through the testing backend: touches on buttons and
//! cards, typing in the text field, and what the engine's events put on screen.

mod common;

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot as _};
use rapport_scenario::Difficulty;
use rapport_session::Progression;
use rapport_ui::{
    CatalogAdapter, ConversationAdapter, IDLE_TIMEOUT, Intent, Kiosk, KioskWindow,
    MaintenanceAdapter, Names, Screen, SummaryAdapter,
};
use slint::platform::PointerEventButton;
use slint::{ComponentHandle, Model};

/// A kiosk window at the device's size, on this thread's testing backend.
fn kiosk() -> (KioskWindow, Kiosk) {
    i_slint_backend_testing::init_no_event_loop();
    let window = KioskWindow::new().expect("the kiosk window builds");
    window.window().set_size(slint::PhysicalSize::new(1280, 800));
    let kiosk = Kiosk::new(&window, common::config());
    (window, kiosk)
}

/// The one element with `role` and `label`.
fn element(window: &KioskWindow, role: AccessibleRole, label: &str) -> ElementHandle {
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(window, label)
        .filter(|element| element.accessible_role() == Some(role))
        .collect();
    assert_eq!(found.len(), 1, "expected one {role:?} labelled {label:?}, found {}", found.len());
    found.into_iter().next().expect("one element")
}

/// Taps the button labelled `label`, as a finger would: press and release at its centre.
fn tap(window: &KioskWindow, label: &str) {
    element(window, AccessibleRole::Button, label).mock_single_click(PointerEventButton::Left);
}

/// Types `line` into the conversation's text field and taps "Say it".
fn say(window: &KioskWindow, line: &str) {
    element(window, AccessibleRole::TextInput, "Type what you would say to the patient")
        .set_accessible_value(line);
    tap(window, "Say it");
}

/// Elements of the given Slint component type (those the query can see: the ones scrolled into
/// view).
fn count_of_type(window: &KioskWindow, type_name: &str) -> usize {
    window.root_element().query_descendants().match_type_name(type_name).find_all().len()
}

fn shown_text(window: &KioskWindow, text: &str) -> bool {
    ElementHandle::find_by_accessible_label(window, text)
        .any(|element| element.accessible_role() == Some(AccessibleRole::Text))
}

const LINES: [&str; 3] = [
    "What brings you in today?",
    "It sounds like the weekends have become a worry for you.",
    "How do you feel about what your daughter said?",
];

#[test]
fn a_session_runs_from_the_catalog_to_the_wipe() {
    let (window, kiosk) = kiosk();
    assert_eq!(kiosk.screen(), Screen::Attract);
    tap(&window, "Begin");
    assert_eq!(kiosk.screen(), Screen::Catalog);

    let catalog = common::catalog();
    let scenario =
        catalog.iter().find(|s| s.difficulty == Difficulty::MIN).expect("a level-1 scenario");
    tap(&window, &scenario.title);
    assert_eq!(kiosk.screen(), Screen::Consent);
    let metrics = element(&window, AccessibleRole::Switch, "Share anonymous counts with the lab");
    assert_eq!(metrics.accessible_checked(), Some(false), "metrics are off by default");
    tap(&window, "Start the conversation");
    assert_eq!(kiosk.screen(), Screen::Conversation);
    assert!(kiosk.has_session());

    let adapter = window.global::<ConversationAdapter>();
    let opening = adapter.get_captions().row_data(0).expect("the patient opens");
    assert!(!opening.from_trainee);
    assert!(shown_text(&window, &opening.text), "the patient's opening line is captioned");

    assert_eq!(count_of_type(&window, "Chip"), 0, "no chip before the trainee speaks");
    for line in LINES {
        say(&window, line);
        assert!(shown_text(&window, line), "the trainee's line {line:?} is captioned");
        assert_eq!(adapter.get_draft(), "", "the field empties once the line is taken");
        let caption = adapter
            .get_captions()
            .iter()
            .filter(|c| c.from_trainee)
            .last()
            .expect("the trainee's caption");
        assert!(caption.coded, "the engine's code event reached the caption");
        let chip_text = window.global::<Names>().invoke_label(caption.label.clone());
        let chips = ElementHandle::find_by_accessible_label(&window, &chip_text)
            .filter(|e| e.type_name().as_deref() == Some("Chip"))
            .count();
        assert!(chips >= 1, "a chip {chip_text:?} shows the code of {line:?}");
    }
    let captions = adapter.get_captions();
    let trainee: Vec<_> = captions.iter().filter(|c| c.from_trainee).collect();
    assert_eq!(trainee.len(), LINES.len());
    assert!(trainee.iter().all(|c| c.coded && !c.label.is_empty()));
    assert!(
        captions.iter().filter(|c| !c.from_trainee).count() > LINES.len(),
        "the patient replies"
    );
    assert!(adapter.get_gauges().row_count() == 4);

    tap(&window, "End conversation");
    assert_eq!(kiosk.screen(), Screen::Summary);
    let summary = window.global::<SummaryAdapter>();
    assert_eq!(summary.get_turns(), 3);
    assert!(!summary.get_suggestion().is_empty());
    assert!(summary.get_counts().row_count() > 0);

    tap(&window, "Finish and erase everything");
    assert_eq!(kiosk.screen(), Screen::Wiped);
    assert!(!kiosk.has_session());
    assert_eq!(adapter.get_captions().row_count(), 0, "captions are erased");
    assert_eq!(adapter.get_nudge(), "");
    assert_eq!(summary.get_moments().row_count(), 0, "key moments are erased");
    assert_eq!(summary.get_suggestion(), "");
    for line in LINES {
        assert!(!shown_text(&window, line), "{line:?} is still on screen after the wipe");
    }
    tap(&window, "Back to the start");
    assert_eq!(kiosk.screen(), Screen::Attract);
}

#[test]
fn an_empty_line_is_refused_and_the_session_goes_on() {
    let (window, kiosk) = kiosk();
    let scenario = common::catalog().iter().next().expect("a scenario").id.clone();
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(scenario));
    kiosk.handle(Intent::Start);
    let adapter = window.global::<ConversationAdapter>();
    let before = adapter.get_captions().row_count();
    say(&window, "   ");
    assert_eq!(adapter.get_input_error(), "empty");
    assert_eq!(adapter.get_captions().row_count(), before);
    say(&window, LINES[0]);
    assert_eq!(adapter.get_input_error(), "");
    assert!(adapter.get_captions().row_count() > before);
}

#[test]
fn a_locked_level_cannot_be_started() {
    let (window, kiosk) = kiosk();
    let catalog = common::catalog();
    let progression = Progression::default();
    let locked = catalog
        .iter()
        .find(|s| !progression.is_unlocked(&catalog, s))
        .expect("the shipped catalog has a locked level");
    let blocking = progression.blocking_level(&catalog, locked).expect("a blocking level");
    tap(&window, "Begin");

    let card = element(&window, AccessibleRole::Button, &locked.title);
    assert_eq!(card.accessible_enabled(), Some(false), "a locked card is marked disabled");
    card.mock_single_click(PointerEventButton::Left);
    assert_eq!(kiosk.screen(), Screen::Catalog);

    // Even an intent that bypasses the card is refused, with the reason on screen.
    kiosk.handle(Intent::Choose(locked.id.clone()));
    kiosk.handle(Intent::Start);
    assert_eq!(kiosk.screen(), Screen::Catalog);
    assert!(!kiosk.has_session());
    assert_eq!(
        window.global::<CatalogAdapter>().get_locked_notice_level(),
        i32::from(blocking.level())
    );
}

#[test]
fn walking_away_wipes_the_session_and_returns_to_the_attract_screen() {
    let (window, kiosk) = kiosk();
    let scenario = common::catalog().iter().next().expect("a scenario").id.clone();
    kiosk.handle(Intent::Begin);
    kiosk.handle(Intent::Choose(scenario));
    kiosk.handle(Intent::SetMetrics(true));
    kiosk.handle(Intent::Start);
    say(&window, LINES[0]);
    kiosk.advance(IDLE_TIMEOUT / 2);
    assert_eq!(kiosk.screen(), Screen::Conversation, "half the timeout is not enough");
    say(&window, LINES[1]);
    kiosk.advance(IDLE_TIMEOUT / 2);
    assert_eq!(kiosk.screen(), Screen::Conversation, "a touch restarts the timeout");
    kiosk.advance(IDLE_TIMEOUT);
    assert_eq!(kiosk.screen(), Screen::Attract);
    assert!(!kiosk.has_session());
    assert!(!kiosk.metrics_opt_in(), "the opt-in holds for one session only");
    let adapter = window.global::<ConversationAdapter>();
    assert_eq!(adapter.get_captions().row_count(), 0);
    assert_eq!(adapter.get_draft(), "");
}

#[test]
fn maintenance_opens_only_with_the_lab_pin() {
    let (window, kiosk) = kiosk();
    tap(&window, "Lab");
    assert_eq!(kiosk.screen(), Screen::Maintenance);
    let lab = window.global::<MaintenanceAdapter>();
    for digit in ["1", "2", "3", "4"] {
        tap(&window, digit);
    }
    assert_eq!(lab.get_pin_length(), 4);
    tap(&window, "Enter");
    assert!(!lab.get_unlocked());
    assert_eq!(lab.get_pin_error(), "wrong");
    for digit in common::PIN.chars() {
        tap(&window, &digit.to_string());
    }
    tap(&window, "Enter");
    assert!(lab.get_unlocked());
    assert_eq!(lab.get_version(), "test");
    assert!(lab.get_scenarios_loaded() > 0);
    tap(&window, "Back to the start");
    assert_eq!(kiosk.screen(), Screen::Attract);
    assert!(!lab.get_unlocked(), "leaving locks maintenance again");
}

#[test]
fn only_a_consented_session_reaches_the_metrics_recorder() {
    use std::cell::RefCell;
    use std::rc::Rc;

    i_slint_backend_testing::init_no_event_loop();
    for consent in [false, true] {
        let recorded: Rc<RefCell<Vec<String>>> = Rc::default();
        let sink = recorded.clone();
        let mut config = common::config();
        config.metrics = Some(rapport_ui::MetricsRecorder::new(move |scenario, summary| {
            assert!(matches!(summary, rapport_session::SessionEvent::Summary(_)));
            sink.borrow_mut().push(scenario.id.clone());
        }));
        let window = KioskWindow::new().expect("the kiosk window builds");
        window.window().set_size(slint::PhysicalSize::new(1280, 800));
        let kiosk = Kiosk::new(&window, config);
        let scenario = common::catalog().iter().next().expect("a scenario").id.clone();
        kiosk.handle(Intent::Begin);
        kiosk.handle(Intent::Choose(scenario.clone()));
        kiosk.handle(Intent::SetMetrics(consent));
        kiosk.handle(Intent::Start);
        assert_eq!(window.global::<ConversationAdapter>().get_counted(), consent, "the marker");
        say(&window, LINES[0]);
        kiosk.handle(Intent::End);
        assert_eq!(kiosk.screen(), Screen::Summary);
        let expected = if consent { vec![scenario] } else { Vec::new() };
        assert_eq!(*recorded.borrow(), expected, "consent {consent}");
    }
}
