//! Publishing a WIT record as a push event, in its one JSON form.

use serde::Serialize;

use crate::capabilities::Push;
use crate::error::{PluginError, PluginResult};

/// Publishes `payload` as a `kind` event on `topic`.
pub fn publish_json<T: Serialize>(push: &mut impl Push, topic: &str, kind: &str, payload: &T) -> PluginResult<()> {
    let json = serde_json::to_string(payload)
        .map_err(|err| PluginError::Unavailable(format!("cannot encode {kind} event: {err}")))?;
    push.publish(topic, kind, &json)
}
