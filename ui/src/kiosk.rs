//! The kiosk: owns the catalog, this visit's progression and the running session, turns the
//! screens' intents into engine events, and hands the engine's answers to the controllers.
//!
//! The engine drives the UI; the UI only sends [`Intent`]s. Time comes in through
//! [`Kiosk::advance`], so the idle timeout and the session's ticks are testable without a clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use rapport_coding::RuleCoder;
use rapport_privacy::SecretText;
use rapport_session::{Event, Phase, Progression, Session, SessionError, SessionEvent};
use tracing::{debug, info, warn};
use zeroize::Zeroizing;

use crate::config::KioskConfig;
use crate::controllers::conversation::{ConversationController, InputProblem};
use crate::controllers::{attract, catalog, consent, conversation, maintenance, summary, wiped};
use crate::generated::{
    AttractAdapter, CatalogAdapter, ConsentAdapter, ConversationAdapter, KioskWindow,
    MaintenanceAdapter, Navigation, Screen, SummaryAdapter, Theme, WipedAdapter,
};
use crate::intent::Intent;
use crate::remote::{Invitation, RemoteLink, role_from_key, role_key};
use crate::voice::VoiceLink;
use slint::ComponentHandle as _;
use slint::SharedString;

/// Without a touch for this long, the kiosk wipes the session and returns to the attract screen.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// The wipe confirmation stays up this long before the attract screen returns.
pub const WIPED_SCREEN_TIME: Duration = Duration::from_secs(15);
/// The most digits the PIN entry takes.
const MAX_PIN_DIGITS: usize = 12;

thread_local! {
    /// The kiosk of the UI thread, for [`post_to_kiosk`].
    static THIS_THREAD: RefCell<std::rc::Weak<RefCell<State>>> =
        const { RefCell::new(std::rc::Weak::new()) };
}

/// Runs `action` on the UI thread with the kiosk shown there: how the station's other threads
/// (remote peers joining, codes drawn) reach the kiosk. Fails only when the event loop is gone;
/// with no kiosk on the UI thread, `action` is dropped.
pub fn post_to_kiosk(
    action: impl FnOnce(&Kiosk) + Send + 'static,
) -> Result<(), slint::EventLoopError> {
    slint::invoke_from_event_loop(move || {
        let state = THIS_THREAD.with(|kiosk| kiosk.borrow().upgrade());
        if let Some(state) = state {
            action(&Kiosk { state });
        }
    })
}

/// The station's face: one per window.
#[derive(Clone)]
pub struct Kiosk {
    state: Rc<RefCell<State>>,
}

struct State {
    window: slint::Weak<KioskWindow>,
    config: KioskConfig,
    progression: Progression,
    chosen: Option<Arc<rapport_scenario::Scenario>>,
    metrics_opt_in: bool,
    session: Option<Session>,
    conversation: Option<ConversationController>,
    session_ms: u64,
    idle: Duration,
    next_seed: u64,
    pin: Zeroizing<String>,
    /// The station's remote side, when it hosts peers.
    remote: Option<RemoteLink>,
    /// Whether the peers were told of the running session (and not yet of its end).
    remote_live: bool,
    /// The pairing code on the invitation sheet and how long it stays valid.
    invitation: Option<(Invitation, Duration)>,
    /// The station's voice, when the trainee speaks rather than types.
    voice: Option<VoiceLink>,
}

/// Where a batch of the engine's events came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The session's start: the voice gets the opening with `start`.
    Opening,
    /// The voice itself: it has the events already.
    Voice,
    /// A touch, a tick or a remote peer.
    Elsewhere,
}

impl Kiosk {
    /// Wires `window`'s adapters to a new kiosk and shows the attract screen.
    pub fn new(window: &KioskWindow, mut config: KioskConfig) -> Kiosk {
        let remote = config.remote.take();
        let voice = config.voice.take();
        let next_seed = config.seed.unwrap_or_else(random_seed);
        window.global::<Theme>().set_dark(config.dark);
        let state = State {
            window: window.as_weak(),
            config,
            progression: Progression::default(),
            chosen: None,
            metrics_opt_in: false,
            session: None,
            conversation: None,
            session_ms: 0,
            idle: Duration::ZERO,
            next_seed,
            pin: Zeroizing::new(String::with_capacity(MAX_PIN_DIGITS)),
            remote,
            remote_live: false,
            invitation: None,
            voice,
        };
        let kiosk = Kiosk { state: Rc::new(RefCell::new(state)) };
        THIS_THREAD.with(|this| *this.borrow_mut() = Rc::downgrade(&kiosk.state));
        kiosk.wire(window);
        attract::show(window);
        kiosk
    }

    /// The screen that is up.
    pub fn screen(&self) -> Screen {
        self.window().map_or(Screen::Attract, |w| w.global::<Navigation>().get_screen())
    }

    /// How many of the trainee's lines (transcribed and coded) and of the patient's lines the
    /// conversation screen shows.
    pub fn lines_shown(&self) -> (usize, usize) {
        use slint::Model as _;
        let Some(window) = self.window() else { return (0, 0) };
        let captions = window.global::<ConversationAdapter>().get_captions();
        let trainee =
            captions.iter().filter(|c| c.from_trainee && c.coded && !c.text.is_empty()).count();
        let patient = captions.iter().filter(|c| !c.from_trainee && !c.text.is_empty()).count();
        (trainee, patient)
    }

    /// Whether a session (and so session content) exists.
    pub fn has_session(&self) -> bool {
        self.state.borrow().session.is_some()
    }

    /// Whether the trainee opted in to anonymous metrics for this session.
    pub fn metrics_opt_in(&self) -> bool {
        self.state.borrow().metrics_opt_in
    }

    /// Does what a touch asked.
    pub fn handle(&self, intent: Intent) {
        let Some(window) = self.window() else { return };
        let mut state = self.state.borrow_mut();
        state.idle = Duration::ZERO;
        match intent {
            Intent::Begin => catalog::show(&window, &state.config.catalog, &state.progression),
            Intent::OpenLab => {
                state.pin.clear();
                maintenance::show_pin(&window, state.config.lab_pin.is_some());
            }
            Intent::Choose(id) => state.choose(&window, &id),
            Intent::BackToAttract => attract::show(&window),
            Intent::BackToCatalog => {
                state.chosen = None;
                state.metrics_opt_in = false;
                consent::clear(&window);
                catalog::show(&window, &state.config.catalog, &state.progression);
            }
            Intent::SetMetrics(on) => {
                state.metrics_opt_in = on;
                consent::set_metrics(&window, on);
            }
            Intent::Start => state.start(&window),
            Intent::Say(text) => {
                let line = SecretText::copy_from(text.as_str());
                drop(text);
                state.say(&window, line);
            }
            Intent::Typing => {}
            Intent::End => state.feed(&window, Event::EndRequested),
            Intent::RemovePeer(id) => {
                let peer = rapport_session::PeerId(id);
                // The station cuts the peer off; the session forgets it now, not when the
                // station confirms.
                if let Some(remote) = &state.remote {
                    remote.peers().remove(peer);
                }
                state.feed(&window, Event::PeerLeft { peer });
            }
            Intent::Invite(role) => {
                if let (Some(remote), true) = (&state.remote, state.session.is_some()) {
                    remote.peers().invite(role);
                }
            }
            Intent::Finish => state.wipe(&window, true),
            Intent::WipedDone => attract::show(&window),
            Intent::PinDigit(digit) => {
                if digit.is_ascii_digit() && state.pin.len() < MAX_PIN_DIGITS {
                    state.pin.push(digit);
                }
                maintenance::show_pin_progress(&window, state.pin.len(), false);
            }
            Intent::PinErase => {
                state.pin.pop();
                maintenance::show_pin_progress(&window, state.pin.len(), false);
            }
            Intent::PinSubmit => state.check_pin(&window),
            Intent::SetDark(dark) => maintenance::set_dark(&window, dark),
            Intent::LeaveLab => {
                state.pin.clear();
                maintenance::lock(&window);
                attract::show(&window);
            }
        }
    }

    /// Feeds an event that did not come from the screen (a remote peer joining, a supervisor's
    /// nudge) into the running session; without one, it is dropped.
    pub fn feed(&self, event: Event) {
        let Some(window) = self.window() else { return };
        self.state.borrow_mut().feed(&window, event);
    }

    /// Shows a pairing code the station drew after an [`Intent::Invite`], until it expires or
    /// someone joins in its role. Without a conversation on screen it is dropped.
    pub fn show_invitation(&self, invitation: Invitation) {
        let Some(window) = self.window() else { return };
        let mut state = self.state.borrow_mut();
        if state.session.is_none()
            || window.global::<Navigation>().get_screen() != Screen::Conversation
        {
            return;
        }
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_invite_role(role_key(invitation.role).into());
        adapter.set_invite_code(invitation.code.as_str().into());
        adapter.set_invite_expires(minutes_and_seconds(invitation.valid_for).into());
        if let Some(remote) = &state.remote {
            // The page takes the code from after '#', which a browser never sends.
            let address = format!("{}#{}", remote.address.url, invitation.code);
            adapter.set_invite_qr(crate::qr::qr_image(&address).unwrap_or_default());
        }
        adapter.set_invite_open(true);
        let left = invitation.valid_for;
        state.invitation = Some((invitation, left));
    }

    /// What the station's voice heard, for the session: the trainee's utterance with its timing,
    /// the patient's voice timing, the end at the close of the input. The screen shows the
    /// answer, which also goes back to the voice. Without a session, the conversation is over.
    pub fn spoken(&self, event: Event) -> Result<Vec<SessionEvent>, SessionError> {
        let Some(window) = self.window() else { return Err(SessionError::Ended) };
        let mut state = self.state.borrow_mut();
        let Some(session) = state.session.as_mut() else { return Err(SessionError::Ended) };
        let speech = matches!(event, Event::TraineeSpoke { .. });
        let events = session.handle(event)?;
        if speech {
            // Someone is talking to the station: the kiosk is not idle.
            state.idle = Duration::ZERO;
            conversation::clear_live(&window);
        }
        state.show(&window, &events, Source::Voice);
        Ok(events)
    }

    /// The code the running session would give `text` now, for the voice's early code.
    pub fn preview_code(&self, text: &SecretText) -> Option<rapport_coding::Code> {
        self.state.borrow().session.as_ref().map(|session| session.preview_code(text))
    }

    /// The station stopped hearing the trainee (the microphone failed or is missing): the
    /// conversation goes on by typing, and the screen says so.
    pub fn voice_lost(&self) {
        let Some(window) = self.window() else { return };
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_listening(false);
        conversation::clear_live(&window);
        if self.state.borrow().session.is_some() {
            adapter.set_input_error("voice".into());
        }
    }

    /// The code of what the trainee said up to a pause, shown before the utterance is surely
    /// over; the transcript and the engine's code replace it.
    pub fn show_early_code(&self, code: rapport_coding::Code) {
        let Some(window) = self.window() else { return };
        if self.state.borrow().session.is_none() {
            return;
        }
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_early_label(code.label.as_str().into());
        adapter.set_early_confidence(code.confidence);
        adapter.set_early_uncertain(code.confidence < rapport_coding::UNCERTAIN_BELOW);
    }

    /// What the trainee is saying, while they say it; empty clears it.
    pub fn show_live_caption(&self, text: &SecretText) {
        let Some(window) = self.window() else { return };
        let mut state = self.state.borrow_mut();
        if state.session.is_none() {
            return;
        }
        state.idle = Duration::ZERO;
        window.global::<ConversationAdapter>().set_live_caption(text.expose().into());
    }

    /// Time passed: the session hears it as a tick, and a kiosk left alone wipes itself and goes
    /// back to the attract screen.
    pub fn advance(&self, elapsed: Duration) {
        let Some(window) = self.window() else { return };
        let mut state = self.state.borrow_mut();
        state.idle += elapsed;
        let screen = window.global::<Navigation>().get_screen();
        if screen == Screen::Conversation && state.session.is_some() {
            state.session_ms =
                state.session_ms.saturating_add(u64::try_from(elapsed.as_millis()).unwrap_or(0));
            let elapsed_ms = state.session_ms;
            state.feed(&window, Event::Tick { elapsed_ms });
        }
        if let Some((_, left)) = state.invitation.as_mut() {
            *left = left.saturating_sub(elapsed);
            if left.is_zero() {
                state.forget_invitation(&window);
            } else {
                let shown = minutes_and_seconds(*left);
                window.global::<ConversationAdapter>().set_invite_expires(shown.into());
            }
        }
        let limit = if screen == Screen::Wiped { WIPED_SCREEN_TIME } else { IDLE_TIMEOUT };
        if screen != Screen::Attract && state.idle >= limit {
            info!("idle timeout: wiping and returning to the attract screen");
            state.wipe(&window, false);
            // Whoever walked away takes this visit's progress with them.
            state.progression = Progression::default();
            state.chosen = None;
            state.pin.clear();
            maintenance::lock(&window);
            attract::show(&window);
            state.idle = Duration::ZERO;
        }
    }

    fn window(&self) -> Option<KioskWindow> {
        self.state.borrow().window.upgrade()
    }

    /// Connects every adapter callback to an intent.
    fn wire(&self, window: &KioskWindow) {
        let send = |intent: Intent| {
            let weak = Rc::downgrade(&self.state);
            move || {
                if let Some(state) = weak.upgrade() {
                    Kiosk { state }.handle(intent.clone());
                }
            }
        };
        let weak = Rc::downgrade(&self.state);
        let with = move |f: &dyn Fn(&Kiosk)| {
            if let Some(state) = weak.upgrade() {
                f(&Kiosk { state });
            }
        };
        let attract = window.global::<AttractAdapter>();
        attract.on_begin(send(Intent::Begin));
        attract.on_open_lab(send(Intent::OpenLab));
        let catalog = window.global::<CatalogAdapter>();
        let w = with.clone();
        catalog.on_choose(move |id| w(&|k| k.handle(Intent::Choose(id.to_string()))));
        catalog.on_back(send(Intent::BackToAttract));
        let consent = window.global::<ConsentAdapter>();
        let w = with.clone();
        consent.on_set_metrics(move |on| w(&|k| k.handle(Intent::SetMetrics(on))));
        consent.on_start(send(Intent::Start));
        consent.on_back(send(Intent::BackToCatalog));
        let talk = window.global::<ConversationAdapter>();
        let w = with.clone();
        talk.on_say(move |text| w(&|k| k.handle(Intent::Say(text.clone()))));
        talk.on_typing(send(Intent::Typing));
        talk.on_end(send(Intent::End));
        let w = with.clone();
        talk.on_remove_peer(move |id| {
            w(&|k| k.handle(Intent::RemovePeer(u32::try_from(id).unwrap_or(0))))
        });
        let w = with.clone();
        talk.on_invite(move |key| {
            if let Some(role) = role_from_key(&key) {
                w(&|k| k.handle(Intent::Invite(role)));
            }
        });
        window.global::<SummaryAdapter>().on_finish(send(Intent::Finish));
        window.global::<WipedAdapter>().on_done(send(Intent::WipedDone));
        let lab = window.global::<MaintenanceAdapter>();
        let w = with.clone();
        lab.on_digit(move |digit| {
            let digit = digit.chars().next().unwrap_or(' ');
            w(&|k| k.handle(Intent::PinDigit(digit)))
        });
        lab.on_erase_digit(send(Intent::PinErase));
        lab.on_submit(send(Intent::PinSubmit));
        let w = with;
        lab.on_set_dark(move |dark| w(&|k| k.handle(Intent::SetDark(dark))));
        lab.on_leave(send(Intent::LeaveLab));
    }
}

impl State {
    fn choose(&mut self, window: &KioskWindow, id: &str) {
        let catalog = &self.config.catalog;
        let Some(scenario) = catalog.get(id) else {
            warn!(scenario = id, "a scenario card named a scenario the catalog lacks");
            return;
        };
        if let Some(blocking) = self.progression.blocking_level(catalog, scenario) {
            catalog::show_locked(window, blocking);
            return;
        }
        self.metrics_opt_in = false;
        consent::show(window, scenario, false, self.remote.is_some());
        self.chosen = Some(Arc::new(scenario.clone()));
    }

    fn start(&mut self, window: &KioskWindow) {
        let Some(scenario) = self.chosen.clone() else { return };
        if self.session.is_some() {
            self.wipe(window, false);
        }
        let seed = self.next_seed;
        self.next_seed = self.next_seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let (session, events) = Session::start(scenario.clone(), Arc::new(RuleCoder::new()), seed);
        info!(scenario = scenario.id.as_str(), "session started");
        self.session = Some(session);
        self.session_ms = 0;
        self.conversation = Some(ConversationController::start(window, &scenario));
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_remote(self.remote.is_some());
        adapter.set_listening(self.voice.is_some());
        if let (Some(remote), Some(session)) = (&self.remote, &self.session) {
            adapter.set_remote_url(remote.address.url.as_str().into());
            adapter.set_fingerprint(remote.address.fingerprint.as_str().into());
            remote.peers().session_started(session);
            self.remote_live = true;
        }
        // The marker the trainee sees all session long: does this one count in the statistics?
        let counted = self.metrics_opt_in && self.config.metrics.is_some();
        window.global::<ConversationAdapter>().set_counted(counted);
        self.show(window, &events, Source::Opening);
        if let Some(voice) = &self.voice {
            voice.session().start(&events);
        }
    }

    fn say(&mut self, window: &KioskWindow, line: SecretText) {
        let Some(session) = self.session.as_mut() else { return };
        match session.handle(Event::TraineeSaid(line)) {
            Ok(events) => {
                if let Some(controller) = &self.conversation {
                    controller.line_taken(window);
                }
                self.show(window, &events, Source::Elsewhere);
            }
            Err(error) => {
                let problem = match error {
                    SessionError::EmptyUtterance => InputProblem::Empty,
                    SessionError::UtteranceTooLong => InputProblem::TooLong,
                    _ => InputProblem::Ended,
                };
                if let Some(controller) = &self.conversation {
                    controller.line_refused(window, problem);
                }
            }
        }
    }

    fn feed(&mut self, window: &KioskWindow, event: Event) {
        let Some(session) = self.session.as_mut() else { return };
        match session.handle(event) {
            Ok(events) => self.show(window, &events, Source::Elsewhere),
            // The station confirms a removal the trainee already made.
            Err(SessionError::UnknownPeer(_)) => debug!("an event named a peer that has left"),
            Err(error) => warn!(error = %error, "the session refused an event"),
        }
    }

    /// Hands the engine's events to the controllers, the remote peers and, when they did not
    /// come from it, the station's voice.
    fn show(&mut self, window: &KioskWindow, events: &[SessionEvent], from: Source) {
        self.publish(events);
        if let (Some(voice), Source::Elsewhere) = (&self.voice, from) {
            voice.session().elsewhere(events);
        }
        for event in events {
            if let Some(controller) = &self.conversation {
                controller.apply(window, event);
            }
            match event {
                SessionEvent::Summary(result) => {
                    let unlocked = match &self.chosen {
                        Some(scenario) => {
                            self.progression.record(&self.config.catalog, scenario, result.rating)
                        }
                        None => false,
                    };
                    // Only with this session's consent, given on the consent screen.
                    if let (true, Some(scenario), Some(recorder)) =
                        (self.metrics_opt_in, &self.chosen, self.config.metrics.as_mut())
                    {
                        recorder.record(scenario, event);
                    }
                    summary::show(window, result, unlocked);
                }
                // The code on the sheet was for this role: someone used it.
                SessionEvent::PeerJoined { role, .. }
                    if self.invitation.as_ref().is_some_and(|(shown, _)| shown.role == *role) =>
                {
                    self.forget_invitation(window);
                    window.global::<ConversationAdapter>().set_invite_open(false);
                }
                _ => {}
            }
        }
    }

    /// Passes the engine's answer to the remote peers; once the session is over, sends them away.
    fn publish(&mut self, events: &[SessionEvent]) {
        if let Some(session) = &self.session {
            publish(self.remote.as_ref(), &mut self.remote_live, session, events);
        }
    }

    /// Takes the pairing code off the screen.
    fn forget_invitation(&mut self, window: &KioskWindow) {
        self.invitation = None;
        let adapter = window.global::<ConversationAdapter>();
        adapter.set_invite_role(SharedString::new());
        adapter.set_invite_code(SharedString::new());
        adapter.set_invite_expires(SharedString::new());
        adapter.set_invite_qr(slint::Image::default());
    }

    /// Erases the session and every screen property that held its content; with `confirm`,
    /// shows the wipe confirmation.
    fn wipe(&mut self, window: &KioskWindow, confirm: bool) {
        if let (Some(voice), true) = (&self.voice, self.session.is_some()) {
            voice.session().stop();
        }
        if let Some(mut session) = self.session.take() {
            match session.handle(Event::Wipe) {
                Ok(events) => {
                    publish(self.remote.as_ref(), &mut self.remote_live, &session, &events);
                }
                Err(error) => warn!(error = %error, "the session refused the wipe"),
            }
            debug_assert_eq!(session.phase(), Phase::Wiped);
        }
        self.invitation = None;
        self.conversation = None;
        self.metrics_opt_in = false;
        self.session_ms = 0;
        conversation::clear(window);
        summary::clear(window);
        consent::clear(window);
        info!("session wiped");
        if confirm {
            wiped::show(window);
        }
    }

    fn check_pin(&mut self, window: &KioskWindow) {
        let right = self.config.lab_pin.as_ref().is_some_and(|pin| pin.matches(&self.pin));
        self.pin.clear();
        if right {
            maintenance::show_unlocked(
                window,
                &self.config.version,
                &self.config.catalog,
                &self.config.catalog_problems,
            );
        } else {
            warn!("a wrong lab PIN was entered");
            maintenance::show_pin_progress(window, 0, true);
        }
    }
}

/// Passes `events` to the remote peers while they are `live`; once the session is over, sends
/// them away.
fn publish(
    remote: Option<&RemoteLink>,
    live: &mut bool,
    session: &Session,
    events: &[SessionEvent],
) {
    let (Some(remote), true) = (remote, *live) else { return };
    remote.peers().publish(session, events);
    if events.iter().any(|e| matches!(e, SessionEvent::Summary(_) | SessionEvent::Wiped)) {
        remote.peers().session_ended();
        *live = false;
    }
}

/// `4:59` for a duration, rounded up to the second.
fn minutes_and_seconds(left: Duration) -> String {
    let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A seed from the process's hasher keys, which the standard library draws from the OS.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0x5eed_u64)
}
