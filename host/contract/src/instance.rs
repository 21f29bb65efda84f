//! A plugin instance whichever contract version it was built against (SPEC PL-10): this
//! contract, or the frozen `helpdesk:chat@0.2.0`. The call surface is the current one,
//! generated from both WITs by `build.rs`; calls to an older plugin are converted, or
//! adapted by hand in `adapters_v0_2.rs` where a function changed.

include!(concat!(env!("OUT_DIR"), "/plugin_instance.rs"));
