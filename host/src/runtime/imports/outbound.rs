//! What a call sends out, all of it only if the call commits: push events, access changes,
//! mail and wake-ups; and the log.

use wasmtime::Result;

use super::guest_result;
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::contract::helpdesk::chat::{log, mail, push, wake};
use crate::outbox::{self, MailError};
use crate::push::{ACCESS_TOPIC, AccessChanged, MAX_PAYLOAD_BYTES};
use crate::runtime::host_state::HostState;

type GuestResult<T> = Result<std::result::Result<T, WitError>>;

impl push::Host for HostState {
    fn publish(&mut self, topic: String, kind: String, payload: String) -> GuestResult<()> {
        if let Err(message) = check_topic_and_kind(&topic, &kind) {
            return Ok(Err(WitError::Invalid(message)));
        }
        if topic.starts_with('@') {
            return Ok(Err(WitError::Invalid(
                "topic: topics starting with @ are the host's own".into(),
            )));
        }
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Ok(Err(WitError::LimitExceeded(format!(
                "payload: at most {MAX_PAYLOAD_BYTES} bytes"
            ))));
        }
        if serde_json::from_str::<serde::de::IgnoredAny>(&payload).is_err() {
            return Ok(Err(WitError::Invalid("payload: must be JSON".into())));
        }
        let now = self.clock.now_ms();
        guest_result(self.tx()?.publish(&topic, &kind, &payload, now))
    }

    fn access_changed(&mut self, users: Vec<String>) -> Result<()> {
        if users.is_empty() {
            return Ok(());
        }
        let payload = serde_json::to_string(&AccessChanged {
            users,
            topics: Vec::new(),
        })?;
        let now = self.clock.now_ms();
        self.tx()?
            .publish(ACCESS_TOPIC, "access-changed", &payload, now)
            .map_err(super::trap)
    }

    fn access_changed_on(&mut self, topics: Vec<String>) -> Result<()> {
        if topics.is_empty() {
            return Ok(());
        }
        let payload = serde_json::to_string(&AccessChanged {
            users: Vec::new(),
            topics,
        })?;
        let now = self.clock.now_ms();
        self.tx()?
            .publish(ACCESS_TOPIC, "access-changed", &payload, now)
            .map_err(super::trap)
    }
}

/// The longest topic or kind a plugin may publish.
const MAX_NAME_BYTES: usize = 200;

/// A topic is visible ASCII and a kind lower-case words joined by `-`, both short: they go
/// into stream lines as they are, where a line break would end the event early.
fn check_topic_and_kind(topic: &str, kind: &str) -> std::result::Result<(), String> {
    if topic.is_empty() || topic.len() > MAX_NAME_BYTES || !topic.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "topic: 1 to {MAX_NAME_BYTES} visible ASCII characters, not {topic:?}"
        ));
    }
    let kind_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    if kind.is_empty() || kind.len() > MAX_NAME_BYTES || !kind.bytes().all(kind_ok) {
        return Err(format!("kind: 1 to {MAX_NAME_BYTES} of a-z, 0-9 and -, not {kind:?}"));
    }
    Ok(())
}

impl mail::Host for HostState {
    fn send(&mut self, message: mail::Message) -> GuestResult<()> {
        let now = self.clock.now_ms();
        match outbox::queue(self.tx()?, &message.to, &message.subject, &message.body, now) {
            Ok(()) => Ok(Ok(())),
            Err(MailError::Invalid(m)) => Ok(Err(WitError::Invalid(m))),
            Err(MailError::LimitExceeded(m)) => Ok(Err(WitError::LimitExceeded(m))),
            Err(MailError::Store(failure)) => guest_result(Err(failure)),
        }
    }
}

impl wake::Host for HostState {
    fn wake_at(&mut self, at: u64) -> Result<()> {
        let at = i64::try_from(at).unwrap_or(i64::MAX);
        self.tx()?.wake_at(at).map_err(super::trap)
    }
}

impl log::Host for HostState {
    fn log(&mut self, level: log::Level, message: String) -> Result<()> {
        let request_id = self.request_id.as_str();
        match level {
            log::Level::Debug => tracing::debug!(request_id, plugin = true, "{message}"),
            log::Level::Info => tracing::info!(request_id, plugin = true, "{message}"),
            log::Level::Warn => tracing::warn!(request_id, plugin = true, "{message}"),
            log::Level::Error => tracing::error!(request_id, plugin = true, "{message}"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::check_topic_and_kind;

    #[test]
    fn pl_7_published_topics_and_kinds_cannot_break_a_stream() {
        assert!(check_topic_and_kind("presence:SUP", "presence-changed").is_ok());
        assert!(check_topic_and_kind("", "k").is_err());
        assert!(check_topic_and_kind("a b", "k").is_err());
        assert!(check_topic_and_kind("t", "").is_err());
        assert!(check_topic_and_kind("t", "evil\nevent: forged").is_err());
        assert!(check_topic_and_kind("t", "Changed").is_err());
        assert!(check_topic_and_kind(&"t".repeat(201), "k").is_err());
    }
}
