//! Every screen rendered headless in both themes and both sizes, read back from the PNG files
//! and checked for the marks of a real render: the right size, many colours, text, and a dark
//! theme that is darker than the light one.

mod common;

use std::collections::HashMap;
use std::fs::File;

use rapport_ui::headless::FrameStats;
use rapport_ui::screens::{SIZES, Shot, ThemeChoice, render_screens};

/// The text colours of the light and dark themes (`ui/theme.slint`).
fn ink(theme: ThemeChoice) -> slint::Color {
    match theme {
        ThemeChoice::Light => slint::Color::from_rgb_u8(0x23, 0x28, 0x2b),
        ThemeChoice::Dark => slint::Color::from_rgb_u8(0xe8, 0xe6, 0xe1),
    }
}

fn read(shot: &Shot) -> ((u32, u32), FrameStats) {
    let file = File::open(&shot.path).expect("the PNG file exists");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG");
    let mut bytes = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut bytes).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let pixels = bytes[..info.buffer_size()].chunks_exact(3).map(|p| (p[0], p[1], p[2]));
    ((info.width, info.height), FrameStats::measure(pixels, ink(shot.theme)))
}

#[test]
fn every_screen_renders_in_both_themes_and_sizes() {
    let out = tempfile::tempdir().expect("a temporary folder");
    let shots = render_screens(common::config(), out.path(), &ThemeChoice::ALL, &SIZES)
        .expect("the screens render");
    let screens: Vec<&str> = shots.iter().map(|s| s.screen).collect();
    for screen in
        ["attract", "catalog", "consent", "conversation", "summary", "wiped", "maintenance"]
    {
        assert!(screens.contains(&screen), "no picture of the {screen} screen");
    }
    assert_eq!(shots.len() % (ThemeChoice::ALL.len() * SIZES.len()), 0);

    let mut luminance = HashMap::new();
    for shot in &shots {
        let (size, stats) = read(shot);
        assert_eq!(size, shot.size, "{}", shot.path.display());
        assert!(
            stats.distinct_colours >= 32,
            "{} has only {} colours",
            shot.path.display(),
            stats.distinct_colours
        );
        assert!(
            stats.ink_share >= rapport_ui::headless::MIN_INK_SHARE,
            "{} shows no text: {stats:?}",
            shot.path.display()
        );
        luminance.insert((shot.screen, shot.theme, shot.size), stats.mean_luminance);
    }
    for shot in shots.iter().filter(|s| s.theme == ThemeChoice::Light) {
        let light = luminance[&(shot.screen, ThemeChoice::Light, shot.size)];
        let dark = luminance[&(shot.screen, ThemeChoice::Dark, shot.size)];
        assert!(
            dark + 60.0 < light,
            "{}: dark {dark:.0} is not darker than light {light:.0}",
            shot.screen
        );
    }
}

#[test]
fn a_blank_frame_does_not_pass_for_a_screen() {
    let blank = FrameStats::measure(
        std::iter::repeat_n((244, 241, 234), 1280 * 800),
        ink(ThemeChoice::Light),
    );
    assert!(!blank.looks_rendered());
    assert_eq!(blank.distinct_colours, 1);
}
