//! The conversation screen. It shows what the engine's events say: the patient's lines and
//! expression, the trainee's captions with the chip of their code, the gauges, nudges and who is
//! connected. Session text reaches the screen here, through `SecretText::expose()`.

use std::rc::Rc;

use rapport_scenario::Scenario;
use rapport_session::{Gauges, PeerId, SessionEvent};
use slint::{Model, ModelRc, SharedString, VecModel};

use crate::generated::{Caption, ConversationAdapter, KioskWindow, Navigation, Peer, Screen};
use crate::remote::role_key;
use slint::ComponentHandle as _;

/// Why the last line the trainee typed was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputProblem {
    /// Nothing was typed.
    Empty,
    /// Longer than the engine takes.
    TooLong,
    /// The conversation is over.
    Ended,
}

/// The conversation screen's rows, kept so that later events can update them.
pub struct ConversationController {
    captions: Rc<VecModel<Caption>>,
    peers: Rc<VecModel<Peer>>,
}

impl ConversationController {
    /// Sets the screen up for a new conversation on `scenario` and shows it.
    pub fn start(window: &KioskWindow, scenario: &Scenario) -> Self {
        let controller =
            Self { captions: Rc::new(VecModel::default()), peers: Rc::new(VecModel::default()) };
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_title(scenario.title.as_str().into());
        adapter.set_patient_name(scenario.persona.name.as_str().into());
        adapter.set_affect("calm".into());
        adapter.set_captions(ModelRc::from(controller.captions.clone()));
        adapter.set_peers(ModelRc::from(controller.peers.clone()));
        adapter.set_gauges(ModelRc::from(Rc::new(VecModel::from(super::gauges(
            &Gauges::default(),
            false,
        )))));
        adapter.set_nudge(SharedString::new());
        adapter.set_actor(0);
        adapter.set_draft(SharedString::new());
        adapter.set_input_error(SharedString::new());
        clear_live(window);
        window.global::<Navigation>().set_screen(Screen::Conversation);
        controller
    }

    /// Shows one engine event; events for other screens are ignored.
    pub fn apply(&self, window: &KioskWindow, event: &SessionEvent) {
        let adapter = window.global::<ConversationAdapter>();
        match event {
            SessionEvent::Patient { turn, text, affect, .. } => {
                adapter.set_affect(affect.as_str().into());
                self.captions.push(Caption {
                    turn: i32::from(*turn),
                    from_trainee: false,
                    text: text.expose().into(),
                    ..Caption::default()
                });
            }
            SessionEvent::Trainee { turn, text } => {
                // A new line replaces the last nudge: it answered the trainee's previous line.
                adapter.set_nudge(SharedString::new());
                self.captions.push(Caption {
                    turn: i32::from(*turn),
                    from_trainee: true,
                    text: text.expose().into(),
                    ..Caption::default()
                });
            }
            SessionEvent::Code { turn, fine, confidence, uncertain, .. } => {
                let turn = i32::from(*turn);
                let row = (0..self.captions.row_count()).rev().find(|&row| {
                    self.captions
                        .row_data(row)
                        .is_some_and(|caption| caption.from_trainee && caption.turn == turn)
                });
                if let Some(row) = row
                    && let Some(mut caption) = self.captions.row_data(row)
                {
                    caption.coded = true;
                    caption.label = fine.as_str().into();
                    caption.confidence = *confidence;
                    caption.uncertain = *uncertain;
                    self.captions.set_row_data(row, caption);
                }
            }
            SessionEvent::State { affect, .. } => adapter.set_affect(affect.as_str().into()),
            SessionEvent::Gauges(gauges) => {
                adapter.set_gauges(ModelRc::from(Rc::new(VecModel::from(super::gauges(
                    gauges, true,
                )))));
            }
            SessionEvent::Nudge { text, .. } => adapter.set_nudge(text.expose().into()),
            SessionEvent::PeerJoined { peer, role } => {
                let role = role_key(*role);
                self.peers.push(Peer { id: peer_number(*peer), role: role.into() });
            }
            SessionEvent::PeerLeft { peer } => {
                let id = peer_number(*peer);
                let row = (0..self.peers.row_count())
                    .find(|&row| self.peers.row_data(row).is_some_and(|p| p.id == id));
                if let Some(row) = row {
                    self.peers.remove(row);
                }
            }
            SessionEvent::PatientVoice { actor } => {
                adapter.set_actor(actor.map_or(0, peer_number));
            }
            SessionEvent::Ended { .. } | SessionEvent::Summary(_) | SessionEvent::Wiped => {}
        }
    }

    /// The line was taken: empty the field.
    pub fn line_taken(&self, window: &KioskWindow) {
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_draft(SharedString::new());
        adapter.set_input_error(SharedString::new());
    }

    /// The line was refused: say why, and keep what was typed.
    pub fn line_refused(&self, window: &KioskWindow, problem: InputProblem) {
        let key = match problem {
            InputProblem::Empty => "empty",
            InputProblem::TooLong => "too-long",
            InputProblem::Ended => "ended",
        };
        window.global::<ConversationAdapter>().set_input_error(key.into());
    }
}

/// Erases every property of the screen that held session content.
pub fn clear(window: &KioskWindow) {
    let adapter = window.global::<ConversationAdapter>();
    adapter.set_captions(ModelRc::default());
    adapter.set_peers(ModelRc::default());
    adapter.set_gauges(ModelRc::default());
    adapter.set_nudge(SharedString::new());
    adapter.set_draft(SharedString::new());
    adapter.set_input_error(SharedString::new());
    adapter.set_affect("calm".into());
    adapter.set_actor(0);
    adapter.set_title(SharedString::new());
    adapter.set_patient_name(SharedString::new());
    adapter.set_invite_open(false);
    adapter.set_invite_role(SharedString::new());
    adapter.set_invite_code(SharedString::new());
    adapter.set_invite_expires(SharedString::new());
    adapter.set_invite_qr(slint::Image::default());
    clear_live(window);
}

/// Takes what the trainee is saying off the screen: its words and its early code.
pub fn clear_live(window: &KioskWindow) {
    let adapter = window.global::<ConversationAdapter>();
    adapter.set_live_caption(SharedString::new());
    adapter.set_early_label(SharedString::new());
    adapter.set_early_confidence(0.0);
    adapter.set_early_uncertain(false);
}

fn peer_number(peer: PeerId) -> i32 {
    i32::try_from(peer.0).unwrap_or(i32::MAX)
}
