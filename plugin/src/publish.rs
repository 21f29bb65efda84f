//! Publishing a feature's push event (a case of its WIT event variant) with its data in its
//! one JSON form, and how it is kept for clients that resume later (`push.event-options`).

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

/// A feature's push event: a case of its WIT `<interface>-event` variant. The kind and the
/// data's JSON are generated from the WIT (`wit_events.rs`), so no kind is spelt by hand.
pub trait StreamEvent {
    /// The event's kind on the stream: the case's name.
    fn kind(&self) -> &'static str;
    /// The event's data: the case's payload in its one JSON form.
    fn data(&self) -> serde_json::Result<String>;
}

include!(concat!(env!("OUT_DIR"), "/wit_events.rs"));

/// Publishes `event` on `topic`, kept in the log.
pub fn publish(push: &mut impl Push, topic: &str, event: &impl StreamEvent) -> PluginResult<()> {
    publish_with(push, topic, event, &kept())
}

/// Publishes `event` on `topic`, kept as `options` say.
pub fn publish_with(
    push: &mut impl Push,
    topic: &str,
    event: &impl StreamEvent,
    options: &EventOptions,
) -> PluginResult<()> {
    let kind = event.kind();
    let json = event
        .data()
        .map_err(|err| PluginError::Unavailable(format!("cannot encode {kind} event: {err}")))?;
    push.publish(topic, kind, &json, options)
}
