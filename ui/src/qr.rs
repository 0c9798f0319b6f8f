//! The invitation's QR code: the page's address with the pairing code after `#`, drawn as
//! pixels for the invitation sheet, so a phone or tablet opens the page with the code filled in.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Pixels per module: a version-3 code (29 modules) with its margin is 148 px wide.
const MODULE_PX: usize = 4;
/// The quiet zone around the code, in modules (the standard asks for 4).
const QUIET_MODULES: usize = 4;

/// The QR code of `text`, or `None` when it does not fit in a QR code.
pub fn qr_image(text: &str) -> Option<Image> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_MODULES) * MODULE_PX;
    let side_u32 = u32::try_from(side).ok()?;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side_u32, side_u32);
    let pixels = buffer.make_mut_slice();
    pixels.fill(Rgb8Pixel::new(255, 255, 255));
    for (index, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (row, column) = (index / modules + QUIET_MODULES, index % modules + QUIET_MODULES);
        for y in row * MODULE_PX..(row + 1) * MODULE_PX {
            let line = y * side;
            pixels[line + column * MODULE_PX..line + (column + 1) * MODULE_PX]
                .fill(Rgb8Pixel::new(0, 0, 0));
        }
    }
    Some(Image::from_rgb8(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_drawn_with_its_margin_and_finder_patterns() {
        let image = qr_image("https://10.0.0.5:8443/#K7P2QX").expect("fits in a QR code");
        let size = image.size();
        assert_eq!(size.width, size.height);
        let buffer = image.to_rgb8().expect("RGB pixels");
        let pixels = buffer.as_slice();
        let side = size.width as usize;
        let at = |x: usize, y: usize| pixels[y * side + x];
        let white = Rgb8Pixel::new(255, 255, 255);
        let black = Rgb8Pixel::new(0, 0, 0);
        assert_eq!(at(0, 0), white, "the quiet zone is white");
        // The top-left finder pattern starts right after the quiet zone, dark.
        let corner = QUIET_MODULES * MODULE_PX;
        assert_eq!(at(corner, corner), black);
        assert_eq!(at(corner + MODULE_PX, corner + MODULE_PX), white, "its inner ring is light");
        assert_eq!(at(corner + 3 * MODULE_PX, corner + 3 * MODULE_PX), black, "its centre is dark");
    }
}
