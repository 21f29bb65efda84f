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
        if topic.is_empty() || kind.is_empty() {
            return Ok(Err(WitError::Invalid("topic and kind must not be empty".into())));
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
        let payload = serde_json::to_string(&AccessChanged { users })?;
        let now = self.clock.now_ms();
        self.tx()?
            .publish(ACCESS_TOPIC, "access-changed", &payload, now)
            .map_err(super::trap)
    }
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
