//! What the trainee (or lab staff) asks of the station by touching the screen. The screens send
//! nothing else; the [`Kiosk`](crate::Kiosk) decides what follows.

/// One touch on the kiosk, as the station understands it.
#[derive(Clone, PartialEq, Eq)]
pub enum Intent {
    /// "Begin" on the attract screen.
    Begin,
    /// The discreet "Lab" button: the PIN entry.
    OpenLab,
    /// A scenario card.
    Choose(String),
    /// Back from the catalog to the attract screen.
    BackToAttract,
    /// Back from the consent screen to the catalog.
    BackToCatalog,
    /// The anonymous-metrics switch.
    SetMetrics(bool),
    /// "Start the conversation".
    Start,
    /// The trainee's typed line (until speech exists). Content: dropped once handed over.
    Say(slint::SharedString),
    /// The trainee is typing (keeps the idle timeout away).
    Typing,
    /// "End conversation".
    End,
    /// "Remove" beside a connected peer.
    RemovePeer(u32),
    /// A role on the invitation sheet: draw a pairing code for it.
    Invite(rapport_session::Role),
    /// "Finish and erase everything" on the summary.
    Finish,
    /// "Back to the start" after the wipe.
    WipedDone,
    /// A digit of the lab PIN.
    PinDigit(char),
    /// Erase the last PIN digit.
    PinErase,
    /// Check the PIN.
    PinSubmit,
    /// The theme switch in maintenance.
    SetDark(bool),
    /// Leave maintenance.
    LeaveLab,
}

impl std::fmt::Debug for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // What the trainee typed is content: its length is enough to debug with.
            Intent::Say(text) => write!(f, "Say({} bytes)", text.len()),
            Intent::Begin => f.write_str("Begin"),
            Intent::OpenLab => f.write_str("OpenLab"),
            Intent::Choose(id) => write!(f, "Choose({id:?})"),
            Intent::BackToAttract => f.write_str("BackToAttract"),
            Intent::BackToCatalog => f.write_str("BackToCatalog"),
            Intent::SetMetrics(on) => write!(f, "SetMetrics({on})"),
            Intent::Start => f.write_str("Start"),
            Intent::Typing => f.write_str("Typing"),
            Intent::End => f.write_str("End"),
            Intent::RemovePeer(id) => write!(f, "RemovePeer({id})"),
            Intent::Invite(role) => write!(f, "Invite({role:?})"),
            Intent::Finish => f.write_str("Finish"),
            Intent::WipedDone => f.write_str("WipedDone"),
            // PIN digits are a secret of the lab.
            Intent::PinDigit(_) => f.write_str("PinDigit(..)"),
            Intent::PinErase => f.write_str("PinErase"),
            Intent::PinSubmit => f.write_str("PinSubmit"),
            Intent::SetDark(dark) => write!(f, "SetDark({dark})"),
            Intent::LeaveLab => f.write_str("LeaveLab"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_carries_no_typed_words_and_no_pin_digit() {
        let said = format!("{:?}", Intent::Say("my secret words".into()));
        assert_eq!(said, "Say(15 bytes)");
        assert_eq!(format!("{:?}", Intent::PinDigit('7')), "PinDigit(..)");
    }
}
