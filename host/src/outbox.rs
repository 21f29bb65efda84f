//! The mail outbox: what the host accepts as a message (the plugin's `mail` import), queued
//! in the store and sent only if the transaction commits.

use crate::storage::{MailOutbox, StoreError};
use crate::validate;

/// The most recipients one message may have.
pub const MAX_RECIPIENTS: usize = 100;
/// The largest message body, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Why a message was refused.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// No recipient, a malformed address, or a subject that is not one line.
    #[error("{0}")]
    Invalid(String),
    /// Too many recipients or too large a body.
    #[error("{0}")]
    LimitExceeded(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks a message and queues it in the outbox.
pub fn queue(tx: &mut dyn MailOutbox, to: &[String], subject: &str, body: &str, now_ms: i64) -> Result<(), MailError> {
    if to.is_empty() {
        return Err(MailError::Invalid("to: at least one recipient".into()));
    }
    if to.len() > MAX_RECIPIENTS {
        return Err(MailError::LimitExceeded(format!(
            "to: at most {MAX_RECIPIENTS} recipients"
        )));
    }
    if let Some(bad) = to.iter().find(|address| !validate::is_email(address)) {
        return Err(MailError::Invalid(format!("to: {bad:?} is not an e-mail address")));
    }
    if subject.contains(['\r', '\n']) {
        return Err(MailError::Invalid("subject: one line".into()));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(MailError::LimitExceeded(format!(
            "body: at most {MAX_BODY_BYTES} bytes"
        )));
    }
    Ok(tx.queue_mail(to, subject, body, now_ms)?)
}
