//! `rapport screens`: every screen of a session, rendered headless in each theme and size.
//!
//! The screens are filled the real way: a [`Kiosk`] is driven by intents through a session of
//! the engine, with a few trainee lines typed in, so the pictures show what a trainee would see.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rapport_session::{Event, PeerId, Role, Session, SessionEvent};
use slint::ComponentHandle as _;

use crate::config::{KioskConfig, LabPin};
use crate::error::UiError;
use crate::generated::{KioskWindow, Theme};
use crate::headless::Headless;
use crate::intent::Intent;
use crate::kiosk::Kiosk;
use crate::remote::{Invitation, RemoteAddress, RemoteLink, RemotePeers};

/// The kiosk's two screen sizes: a 10" 1280×800 panel and a 1920×1080 one.
pub const SIZES: [(u32, u32); 2] = [(1280, 800), (1920, 1080)];

/// Lines a trainee might type in the first minutes of most scenarios.
pub const DEMO_LINES: [&str; 5] = [
    "Thanks for coming in today. What would you like to talk about?",
    "It sounds like this has been weighing on you for a while.",
    "How do you feel about it yourself?",
    "You're not sure it's a problem, and yet part of you keeps wondering.",
    "Have you tried cutting down?",
];

/// What the invitation sheet shows in the pictures: no station hands out these.
const DEMO_CODE: &str = "K7P2QX";
const DEMO_URL: &str = "https://rapport-station.lab:8443/";
const DEMO_FINGERPRINT: &str = "3F:A2:9C:11:5E:D0:47:8B:21:6C:F3:90:AE:14:77:C2:0B:5D:E8:36:9A:F1:42:07:CC:13:68:B5:2E:D9:80:4A";

/// The remote side of the pictures: asked for nothing, it does nothing.
struct NoPeers;

impl RemotePeers for NoPeers {
    fn invite(&self, _role: Role) {}
    fn remove(&self, _peer: PeerId) {}
    fn session_started(&self, _session: &Session) {}
    fn publish(&self, _session: &Session, _events: &[SessionEvent]) {}
    fn session_ended(&self) {}
}

/// A theme to render in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThemeChoice {
    /// For bright rooms.
    Light,
    /// For dimmed simulation labs.
    Dark,
}

impl ThemeChoice {
    /// Both themes.
    pub const ALL: [ThemeChoice; 2] = [ThemeChoice::Light, ThemeChoice::Dark];

    /// The name used in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        }
    }
}

/// One rendered picture.
#[derive(Clone, Debug)]
pub struct Shot {
    /// The screen's name, e.g. `conversation`.
    pub screen: &'static str,
    /// The theme.
    pub theme: ThemeChoice,
    /// Width and height in pixels.
    pub size: (u32, u32),
    /// Where the PNG file is.
    pub path: PathBuf,
}

/// Renders every screen in every theme of `themes` and size of `sizes` as PNG files in `out`.
pub fn render_screens(
    mut config: KioskConfig,
    out: &Path,
    themes: &[ThemeChoice],
    sizes: &[(u32, u32)],
) -> Result<Vec<Shot>, UiError> {
    let headless = Headless::install()?;
    // The invitation sheet is drawn with a demo code; nothing listens for peers.
    config.remote = Some(RemoteLink::new(
        NoPeers,
        RemoteAddress { url: DEMO_URL.to_owned(), fingerprint: DEMO_FINGERPRINT.to_owned() },
    ));
    // Maintenance is shown unlocked with a PIN that exists only in this process.
    let pin = "2580";
    config.lab_pin = LabPin::new(pin);
    let first_open = config
        .catalog
        .iter()
        .find(|scenario| scenario.difficulty == rapport_scenario::Difficulty::MIN)
        .map(|scenario| scenario.id.clone())
        .ok_or(UiError::EmptyCatalog)?;
    let first_locked = config
        .catalog
        .iter()
        .find(|scenario| scenario.difficulty > rapport_scenario::Difficulty::MIN)
        .map(|scenario| scenario.id.clone());
    let window = KioskWindow::new().map_err(UiError::Screen)?;
    let kiosk = Kiosk::new(&window, config);
    let mut shots = Vec::new();
    let mut shoot = |screen: &'static str| -> Result<(), UiError> {
        for &theme in themes {
            window.global::<Theme>().set_dark(theme == ThemeChoice::Dark);
            for &(width, height) in sizes {
                headless.set_size(width, height);
                headless.advance(Duration::from_secs(1));
                let path = out.join(format!(
                    "{:02}-{screen}-{}-{width}x{height}.png",
                    shots.len() / (themes.len() * sizes.len()).max(1) + 1,
                    theme.name()
                ));
                let frame = headless.render();
                // A blank or broken frame fails the run rather than landing in a folder.
                let ink = window.global::<Theme>().get_text();
                if !frame.stats(ink).looks_rendered() {
                    return Err(UiError::BlankFrame { screen, theme: theme.name() });
                }
                frame.save_png(&path)?;
                shots.push(Shot { screen, theme, size: (width, height), path });
            }
        }
        Ok(())
    };

    shoot("attract")?;
    kiosk.handle(Intent::Begin);
    shoot("catalog")?;
    if let Some(locked) = first_locked {
        kiosk.handle(Intent::Choose(locked));
        shoot("catalog-locked")?;
    }
    kiosk.handle(Intent::Choose(first_open));
    shoot("consent")?;
    kiosk.handle(Intent::Start);
    shoot("conversation-opening")?;
    for line in DEMO_LINES {
        kiosk.handle(Intent::Say(line.into()));
    }
    kiosk.feed(Event::PeerJoined { peer: PeerId(1), role: Role::Supervisor });
    shoot("conversation")?;
    kiosk.handle(Intent::Invite(Role::Actor));
    kiosk.show_invitation(Invitation {
        role: Role::Actor,
        code: DEMO_CODE.to_owned(),
        valid_for: Duration::from_secs(300),
    });
    shoot("invite")?;
    kiosk.feed(Event::PeerJoined { peer: PeerId(2), role: Role::Actor });
    kiosk.handle(Intent::End);
    shoot("summary")?;
    kiosk.handle(Intent::Finish);
    shoot("wiped")?;
    kiosk.handle(Intent::OpenLab);
    shoot("lab-pin")?;
    for digit in pin.chars() {
        kiosk.handle(Intent::PinDigit(digit));
    }
    kiosk.handle(Intent::PinSubmit);
    shoot("maintenance")?;
    kiosk.handle(Intent::LeaveLab);
    drop(kiosk);
    Ok(shots)
}
