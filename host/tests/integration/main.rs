//! The host's integration tests, in one binary: the real plugin component in the real host
//! code (SQLite, sandbox, runtime), the sandbox probe, the contract, and the API in-process.

mod contract;
mod contract_flows;
mod contract_versions;
mod http_api;
mod plugin_in_host;
mod sandbox;
mod support;
