//! Every export of the plugin callable by name, with its arguments and answer in their one
//! JSON form, and the world's functions and types described as JSON (SPEC PL-11). The
//! contract flows run through them on this host and on a second, independent host (jco in
//! Node), whose answers must be the same; both are generated from the WIT, so a function
//! added there is covered by both at once.

include!(concat!(env!("OUT_DIR"), "/calls_by_name.rs"));

/// Every exported function (its parameters, result and whether it writes) and every named
/// type of the world, as JSON: what a host in another language needs to turn the flows'
/// JSON into its bindings' values.
pub const SIGNATURES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/signatures.json"));
