//! Publishing a WIT record as a push event, in its one JSON form, and how it is kept for
//! clients that resume later (`push.event-options`).

use serde::Serialize;

use crate::capabilities::{EventOptions, Push};
use crate::error::{PluginError, PluginResult};

/// How an event is kept: in the log for resuming clients, about nothing in particular.
pub fn kept() -> EventOptions {
    EventOptions {
        subject: None,
        requires: None,
        ephemeral: false,
    }
}

/// Kept in the log as the newest about `subject`: earlier events about it are dropped from
/// the log, so a resuming client is given only this one.
pub fn about(subject: String) -> EventOptions {
    EventOptions {
        subject: Some(subject),
        ..kept()
    }
}

/// Delivered to the streams open now and never stored (someone typing).
pub fn ephemeral() -> EventOptions {
    EventOptions {
        ephemeral: true,
        ..kept()
    }
}

/// Publishes `payload` as a `kind` event on `topic`, kept in the log.
pub fn publish_json<T: Serialize>(push: &mut impl Push, topic: &str, kind: &str, payload: &T) -> PluginResult<()> {
    publish_json_with(push, topic, kind, payload, &kept())
}

/// Publishes `payload` as a `kind` event on `topic`, kept as `options` say.
pub fn publish_json_with<T: Serialize>(
    push: &mut impl Push,
    topic: &str,
    kind: &str,
    payload: &T,
    options: &EventOptions,
) -> PluginResult<()> {
    let json = serde_json::to_string(payload)
        .map_err(|err| PluginError::Unavailable(format!("cannot encode {kind} event: {err}")))?;
    push.publish(topic, kind, &json, options)
}
