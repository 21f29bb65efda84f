//! Host bindings generated from `wit/`. Kept in a file of its own: regenerating them is
//! slow, and this file rarely changes.

wasmtime::component::bindgen!({
    world: "chat-plugin",
    path: "../wit",
    // A host failure inside an import (the database erroring) traps the call, which rolls
    // it back; failures the guest should handle are WIT `error` results instead.
    imports: { default: trappable },
});
