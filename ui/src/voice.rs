//! The trainee's voice as the kiosk sees it. The station listens, transcribes and voices the
//! patient on a thread of its own ([`SpokenSession`]); what it hears reaches the session the
//! kiosk holds through [`Kiosk::spoken`](crate::Kiosk::spoken), posted to the UI thread, and what
//! happens to the session otherwise (a typed line, "End conversation", the idle wipe) goes back
//! to it through [`SpokenSession::elsewhere`] and [`SpokenSession::stop`].

use rapport_session::SessionEvent;

/// What the kiosk asks of the station's voice. Every call returns at once.
pub trait SpokenSession {
    /// A conversation began: listen, and say the patient's opening line among `opening`.
    fn start(&self, opening: &[SessionEvent]);
    /// Events the voice did not cause: patient lines to say, the end of the conversation.
    fn elsewhere(&self, events: &[SessionEvent]);
    /// The session is gone: stop listening and speaking now.
    fn stop(&self);
}

/// The station's voice as the kiosk holds it.
pub struct VoiceLink(Box<dyn SpokenSession>);

impl VoiceLink {
    /// A link through `voice`.
    pub fn new(voice: impl SpokenSession + 'static) -> Self {
        Self(Box::new(voice))
    }

    pub(crate) fn session(&self) -> &dyn SpokenSession {
        self.0.as_ref()
    }
}

impl std::fmt::Debug for VoiceLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VoiceLink(..)")
    }
}
