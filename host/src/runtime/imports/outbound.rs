//! What a call sends out, all of it only if the call commits: push events, access changes,
//! mail and wake-ups; and the log.

use wasmtime::Result;

use super::{Capability, ImportError, NoStore};
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::contract::helpdesk::chat::{log, mail, push, wake};
use crate::outbox::{self, MailError};
use crate::push::{ACCESS_TOPIC, AccessChanged, MAX_PAYLOAD_BYTES, MAX_SIGNAL_BYTES};
use crate::storage::{Keeping, MailOutbox, PushLog, Signal, WakeUps};

impl push::Host for Capability<'_, dyn PushLog> {
    fn publish(
        &mut self,
        topic: String,
        kind: String,
        payload: String,
        options: push::EventOptions,
    ) -> std::result::Result<(), ImportError> {
        check_event(&topic, &kind, &payload, &options)?;
        if options.ephemeral {
            return Ok(self.store()?.signal(Signal { topic, kind, payload })?);
        }
        let now = self.clock.now_ms();
        let keeping = Keeping {
            subject: options.subject.as_deref(),
            requires: options.requires.as_deref(),
        };
        Ok(self.store()?.publish_kept(&topic, &kind, &payload, keeping, now)?)
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
        self.store()?
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
        self.store()?
            .publish(ACCESS_TOPIC, "access-changed", &payload, now)
            .map_err(super::trap)
    }
}

/// The longest topic or kind a plugin may publish.
const MAX_NAME_BYTES: usize = 200;

/// An event the plugin may publish: its topic, kind, subject and required topic in their
/// forms, its payload JSON within its size.
fn check_event(
    topic: &str,
    kind: &str,
    payload: &str,
    options: &push::EventOptions,
) -> std::result::Result<(), WitError> {
    check_topic_and_kind(topic, kind).map_err(WitError::Invalid)?;
    if topic.starts_with('@') {
        return Err(WitError::Invalid(
            "topic: topics starting with @ are the host's own".into(),
        ));
    }
    for (field, value) in [("subject", &options.subject), ("requires", &options.requires)] {
        if let Some(value) = value
            && (value.is_empty() || value.len() > MAX_NAME_BYTES || !value.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(WitError::Invalid(format!(
                "{field}: 1 to {MAX_NAME_BYTES} visible ASCII characters, not {value:?}"
            )));
        }
    }
    let limit = if options.ephemeral {
        if options.subject.is_some() || options.requires.is_some() {
            return Err(WitError::Invalid(
                "an ephemeral event is never stored: it has no subject and requires no topic".into(),
            ));
        }
        MAX_SIGNAL_BYTES
    } else {
        MAX_PAYLOAD_BYTES
    };
    if payload.len() > limit {
        return Err(WitError::LimitExceeded(format!("payload: at most {limit} bytes")));
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(payload).is_err() {
        return Err(WitError::Invalid("payload: must be JSON".into()));
    }
    Ok(())
}

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

impl From<MailError> for ImportError {
    fn from(err: MailError) -> Self {
        match err {
            MailError::Invalid(m) => WitError::Invalid(m).into(),
            MailError::LimitExceeded(m) => WitError::LimitExceeded(m).into(),
            MailError::Store(failure) => failure.into(),
        }
    }
}

impl mail::Host for Capability<'_, dyn MailOutbox> {
    fn send(&mut self, message: mail::Message) -> std::result::Result<(), ImportError> {
        let now = self.clock.now_ms();
        Ok(outbox::queue(
            self.store()?,
            &message.to,
            &message.subject,
            &message.body,
            now,
        )?)
    }
}

impl wake::Host for Capability<'_, dyn WakeUps> {
    fn wake_at(&mut self, at: u64) -> Result<()> {
        let at = i64::try_from(at).unwrap_or(i64::MAX);
        self.store()?.wake_at(at).map_err(super::trap)
    }
}

impl log::Host for Capability<'_, NoStore> {
    fn log(&mut self, level: log::Level, message: String) -> Result<()> {
        let request_id = self.request_id;
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
    use super::*;

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

    #[test]
    fn lc_9_ephemeral_events_are_small_and_about_nothing_kept() {
        let options = |subject: Option<&str>, requires: Option<&str>, ephemeral| push::EventOptions {
            subject: subject.map(str::to_string),
            requires: requires.map(str::to_string),
            ephemeral,
        };
        assert!(check_event("t:x", "typing", "{}", &options(None, None, true)).is_ok());
        assert!(check_event("t:x", "typing", "{}", &options(Some("s"), None, true)).is_err());
        assert!(check_event("t:x", "typing", "{}", &options(None, Some("t:y"), true)).is_err());
        let big = format!("\"{}\"", "x".repeat(MAX_SIGNAL_BYTES));
        assert!(matches!(
            check_event("t:x", "typing", &big, &options(None, None, true)),
            Err(WitError::LimitExceeded(_))
        ));
        assert!(check_event("t:x", "k", &big, &options(None, None, false)).is_ok());
        assert!(check_event("t:x", "k", "{}", &options(Some("a b"), None, false)).is_err());
        assert!(
            check_event(
                "t:x",
                "k",
                "{}",
                &options(Some("team-message:r:1"), Some("team-chat:r"), false)
            )
            .is_ok()
        );
    }
}
