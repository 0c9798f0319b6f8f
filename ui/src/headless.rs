//! Headless rendering: a Slint platform whose one window is a [`MinimalSoftwareWindow`], drawn
//! by the software renderer into a pixel buffer. Tests, `rapport screens` and `rapport bench ui`
//! use it; no display, GPU or font on the system is needed.
//!
//! Time is a clock the caller advances, so animations are rendered where they end, never
//! half-way. Work other threads post to the UI thread (`slint::invoke_from_event_loop`) waits
//! until the caller runs it ([`Headless::run_posted`]).

use std::cell::Cell;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use slint::PhysicalSize;
use slint::Rgb8Pixel;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{EventLoopProxy, Platform, WindowAdapter};

use crate::error::UiError;

/// Work posted to the UI thread from other threads, not yet run.
type Posted = Arc<Mutex<Vec<Box<dyn FnOnce() + Send>>>>;

/// The headless platform of this thread.
struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    clock: Rc<Cell<Duration>>,
    posted: Posted,
}

/// How other threads post work: it queues until [`Headless::run_posted`].
struct PostBox(Posted);

impl EventLoopProxy for PostBox {
    fn quit_event_loop(&self) -> Result<(), slint::EventLoopError> {
        Ok(())
    }

    fn invoke_from_event_loop(
        &self,
        event: Box<dyn FnOnce() + Send>,
    ) -> Result<(), slint::EventLoopError> {
        self.0.lock().map_err(|_| slint::EventLoopError::EventLoopTerminated)?.push(event);
        Ok(())
    }
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.clock.get()
    }

    fn new_event_loop_proxy(&self) -> Option<Box<dyn EventLoopProxy>> {
        Some(Box::new(PostBox(self.posted.clone())))
    }
}

/// A handle on this thread's headless screen.
pub struct Headless {
    window: Rc<MinimalSoftwareWindow>,
    clock: Rc<Cell<Duration>>,
    posted: Posted,
}

impl Headless {
    /// Installs the headless platform in this thread; create the window after this.
    pub fn install() -> Result<Headless, UiError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        let clock = Rc::new(Cell::new(Duration::ZERO));
        let posted = Posted::default();
        slint::platform::set_platform(Box::new(HeadlessPlatform {
            window: window.clone(),
            clock: clock.clone(),
            posted: posted.clone(),
        }))
        .map_err(|_| UiError::PlatformTaken)?;
        Ok(Headless { window, clock, posted })
    }

    /// Runs the work other threads posted to the UI thread, in the order they posted it;
    /// returns how much there was.
    pub fn run_posted(&self) -> usize {
        let work: Vec<_> = match self.posted.lock() {
            Ok(mut posted) => posted.drain(..).collect(),
            Err(_) => return 0,
        };
        let count = work.len();
        for job in work {
            job();
        }
        count
    }

    /// Resizes the screen to `width` × `height` physical pixels.
    pub fn set_size(&self, width: u32, height: u32) {
        self.window.set_size(PhysicalSize::new(width, height));
    }

    /// Lets `elapsed` pass for timers and animations.
    pub fn advance(&self, elapsed: Duration) {
        self.clock.set(self.clock.get() + elapsed);
        slint::platform::update_timers_and_animations();
    }

    /// Taps at (`x`, `y`) logical pixels: a press and a release.
    pub fn tap(&self, x: f32, y: f32) {
        use slint::platform::{PointerEventButton, WindowEvent};
        let position = slint::LogicalPosition::new(x, y);
        let window = self.window.window();
        window.dispatch_event(WindowEvent::PointerMoved { position });
        window.dispatch_event(WindowEvent::PointerPressed {
            position,
            button: PointerEventButton::Left,
        });
        window.dispatch_event(WindowEvent::PointerReleased {
            position,
            button: PointerEventButton::Left,
        });
    }

    /// Renders a full frame (every pixel, whatever changed) at the current size.
    pub fn render(&self) -> Frame {
        let size = self.window.window().size();
        let (width, height) = (size.width as usize, size.height as usize);
        let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); width * height];
        self.render_into(&mut pixels, width);
        Frame { width: size.width, height: size.height, pixels }
    }

    /// Renders a full frame into `pixels` (`stride` pixels per line), reusing the buffer.
    pub fn render_into(&self, pixels: &mut [Rgb8Pixel], stride: usize) {
        slint::platform::update_timers_and_animations();
        self.window.window().request_redraw();
        self.window.draw_if_needed(|renderer| {
            renderer.render(pixels, stride);
        });
    }
}

/// One rendered frame.
pub struct Frame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, line by line.
    pub pixels: Vec<Rgb8Pixel>,
}

impl Frame {
    /// Measures the frame: colours used, brightness, pixels close to `ink` (the text colour).
    pub fn stats(&self, ink: slint::Color) -> FrameStats {
        FrameStats::measure(self.pixels.iter().map(|p| (p.r, p.g, p.b)), ink)
    }

    /// Writes the frame as an 8-bit RGB PNG file.
    pub fn save_png(&self, path: &Path) -> Result<(), UiError> {
        let failed =
            |source: std::io::Error| UiError::Png { path: path.display().to_string(), source };
        let file = File::create(path).map_err(failed)?;
        let mut encoder = png::Encoder::new(BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let bytes: Vec<u8> = self.pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        let mut writer = encoder.write_header().map_err(|e| failed(std::io::Error::other(e)))?;
        writer.write_image_data(&bytes).map_err(|e| failed(std::io::Error::other(e)))?;
        writer.finish().map_err(|e| failed(std::io::Error::other(e)))
    }
}

/// What a glance at a frame tells: enough to tell a real screen from a blank or broken one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameStats {
    /// Distinct colours, at 5 bits per channel (up to 32768).
    pub distinct_colours: usize,
    /// Mean luminance, 0 (black) to 255 (white).
    pub mean_luminance: f64,
    /// Share of pixels within a small distance of the text colour, 0–1.
    pub ink_share: f64,
}

impl FrameStats {
    /// The statistics of `pixels` (red, green, blue), with `ink` as the text colour.
    pub fn measure(pixels: impl Iterator<Item = (u8, u8, u8)>, ink: slint::Color) -> FrameStats {
        // One bit per colour at 5 bits per channel: cheap enough for every pixel of every frame.
        let mut seen = vec![0u64; (1 << 15) / 64];
        let (mut count, mut luminance, mut inked) = (0u64, 0f64, 0u64);
        let near = |a: u8, b: u8| a.abs_diff(b) <= 24;
        for (r, g, b) in pixels {
            let key =
                (usize::from(r >> 3) << 10) | (usize::from(g >> 3) << 5) | usize::from(b >> 3);
            seen[key / 64] |= 1 << (key % 64);
            count += 1;
            luminance += 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
            if near(r, ink.red()) && near(g, ink.green()) && near(b, ink.blue()) {
                inked += 1;
            }
        }
        let count_f = count.max(1) as f64;
        FrameStats {
            distinct_colours: seen.iter().map(|word| word.count_ones() as usize).sum(),
            mean_luminance: luminance / count_f,
            ink_share: inked as f64 / count_f,
        }
    }

    /// Whether this looks like a rendered screen: several colours, and text on it.
    pub fn looks_rendered(&self) -> bool {
        self.distinct_colours >= MIN_DISTINCT_COLOURS && self.ink_share >= MIN_INK_SHARE
    }
}

/// Fewer colours than this is a blank or broken frame (anti-aliased text alone gives dozens).
pub const MIN_DISTINCT_COLOURS: usize = 16;
/// Less of the text colour than this is a frame without text (every screen has a heading).
pub const MIN_INK_SHARE: f64 = 0.002;
