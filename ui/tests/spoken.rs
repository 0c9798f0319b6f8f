//! The kiosk's side of the trainee's voice on the real screens: the voice is told when the
//! conversation starts (with the patient's opening line), what happens on the touchscreen, and
//! when to stop; what it hears is shown coded; a failed microphone turns the screen to typing.
//! The station's voice is a recorder here; the real one is tested in the station's kiosk tests.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use rapport_privacy::SecretText;
use rapport_scenario::Difficulty;
use rapport_session::{Event, SessionEvent, SpeechTiming};
use rapport_ui::{ConversationAdapter, Intent, Kiosk, KioskWindow, SpokenSession, VoiceLink};
use slint::{ComponentHandle, Model};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Told {
    /// With the patient lines among the opening events.
    Start(usize),
    /// Kinds of the events.
    Elsewhere(Vec<&'static str>),
    Stop,
}

#[derive(Clone, Default)]
struct Recorder(Rc<RefCell<Vec<Told>>>);

fn kind(event: &SessionEvent) -> &'static str {
    match event {
        SessionEvent::Patient { .. } => "patient",
        SessionEvent::Trainee { .. } => "trainee",
        SessionEvent::Ended { .. } => "ended",
        _ => "other",
    }
}

impl SpokenSession for Recorder {
    fn start(&self, opening: &[SessionEvent]) {
        let lines = opening.iter().filter(|e| kind(e) == "patient").count();
        self.0.borrow_mut().push(Told::Start(lines));
    }
    fn elsewhere(&self, events: &[SessionEvent]) {
        self.0.borrow_mut().push(Told::Elsewhere(events.iter().map(kind).collect()));
    }
    fn stop(&self) {
        self.0.borrow_mut().push(Told::Stop);
    }
}

fn spoken_kiosk() -> (KioskWindow, Kiosk, Recorder) {
    i_slint_backend_testing::init_no_event_loop();
    let window = KioskWindow::new().expect("the kiosk window builds");
    window.window().set_size(slint::PhysicalSize::new(1280, 800));
    let voice = Recorder::default();
    let mut config = common::config();
    config.voice = Some(VoiceLink::new(voice.clone()));
    let kiosk = Kiosk::new(&window, config);
    kiosk.handle(Intent::Begin);
    let scenario = common::catalog()
        .iter()
        .find(|s| s.difficulty == Difficulty::MIN)
        .map(|s| s.id.clone())
        .expect("a level-1 scenario");
    kiosk.handle(Intent::Choose(scenario));
    kiosk.handle(Intent::Start);
    (window, kiosk, voice)
}

#[test]
fn the_voice_follows_the_conversation_and_what_it_hears_is_shown_coded() {
    let (window, kiosk, voice) = spoken_kiosk();
    let adapter = window.global::<ConversationAdapter>();
    assert!(adapter.get_listening());
    assert_eq!(voice.0.borrow().first(), Some(&Told::Start(1)), "the opening line is voiced");

    kiosk.show_live_caption(&SecretText::copy_from("how have the weekends"));
    assert_eq!(adapter.get_live_caption(), "how have the weekends");
    let early = rapport_coding::Code::new(rapport_coding::Label::OpenQuestion, 0.9);
    kiosk.show_early_code(early);
    assert_eq!(adapter.get_early_label(), "open_question", "the code shows at the pause");
    let timing = SpeechTiming { started_ms: 4_000, ended_ms: 6_500, interrupted: false };
    let text = SecretText::copy_from("How have the weekends been for you lately?");
    let events = kiosk.spoken(Event::TraineeSpoke { text, timing }).expect("taken");
    assert!(events.iter().any(|e| kind(e) == "patient"), "the voice gets the patient's answer");
    assert_eq!(adapter.get_live_caption(), "", "the caption gives way to the transcript");
    assert_eq!(adapter.get_early_label(), "", "and the early code to the engine's");
    let captions = adapter.get_captions();
    let said = captions.iter().find(|c| c.from_trainee).expect("the utterance on screen");
    assert!(said.coded && said.label == "open_question", "coded: {}", said.label);
    let told = voice.0.borrow().len();
    assert_eq!(told, 1, "what the voice caused is not told back to it");

    // A typed line is the voice's to hear about: the patient answers it aloud.
    kiosk.handle(Intent::Say("It sounds like they matter to you.".into()));
    assert!(
        matches!(voice.0.borrow().last(), Some(Told::Elsewhere(kinds)) if kinds.contains(&"patient"))
    );
    kiosk.handle(Intent::End);
    assert!(
        voice.0.borrow().iter().any(|t| matches!(t, Told::Elsewhere(k) if k.contains(&"ended")))
    );
    kiosk.handle(Intent::Finish);
    assert_eq!(voice.0.borrow().last(), Some(&Told::Stop), "the wipe silences the voice");
    assert!(kiosk.spoken(Event::EndRequested).is_err(), "no session is left to feed");
}

#[test]
fn a_lost_microphone_turns_the_screen_to_typing() {
    let (window, kiosk, _voice) = spoken_kiosk();
    let adapter = window.global::<ConversationAdapter>();
    kiosk.voice_lost();
    assert!(!adapter.get_listening());
    assert_eq!(adapter.get_input_error(), "voice");
    kiosk.handle(Intent::Say("What brings you in today?".into()));
    assert!(adapter.get_captions().iter().any(|c| c.from_trainee), "typing still works");
}
