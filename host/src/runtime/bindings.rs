//! Host bindings generated from `wit/`. Kept in a file of its own: regenerating them is
//! slow, and this file rarely changes.

// The generated items carry the WIT docs; wasmtime's own generated helpers (the `*Pre`
// and `*Indices` types and their methods) have none, and cannot be given any here.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    world: "chat-plugin",
    path: "../wit",
    // A host failure inside an import (the database erroring) traps the call, which rolls
    // it back; failures the guest should handle are WIT `error` results instead.
    imports: { default: trappable },
});
