//! Compiles the kiosk's `.slint` files. Debug info keeps element ids and accessible labels
//! queryable, which the UI tests use to find buttons and captions.

fn main() {
    let config = slint_build::CompilerConfiguration::new().with_debug_info(true);
    if let Err(error) = slint_build::compile_with_config("ui/kiosk-window.slint", config) {
        eprintln!("the kiosk's .slint files do not compile: {error}");
        std::process::exit(1);
    }
}
