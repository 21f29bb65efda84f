//! Gives the probe the plugin's small stack (see `plugin/build.rs`), so what the sandbox tests
//! and the benchmark measure with it is what a plugin call costs.

/// The same stack as the chat plugin's.
const STACK_BYTES: u32 = 128 * 1024;

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={STACK_BYTES}");
    }
}
