//! Delivers the mail outbox over SMTP (with `lettre`) when the host is given a mail server;
//! without one, mail stays in the outbox, listed for site admins. A message leaves the outbox
//! only once the server accepted it; a failed try is recorded with its reason and tried
//! again later, less and less often, so a restart or an outage loses nothing.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::clock::HostClock;
use crate::storage::backend::OutboxMail;
use crate::storage::{Database, StorageFailure};

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(2);
/// The most messages one look takes.
const BATCH: u32 = 20;
/// How long a node holds the messages it took for sending: no other node takes them
/// meanwhile, and if it dies before recording the outcome they are tried again after it.
const SEND_LEASE_MS: i64 = 5 * 60_000;
/// The wait after the first failed try; it doubles with each try, up to [`MAX_BACKOFF_MS`].
const FIRST_BACKOFF_MS: i64 = 60_000;
/// The longest wait between tries: one hour.
const MAX_BACKOFF_MS: i64 = 60 * 60_000;

/// Where and as whom mail is sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// The SMTP server, as a URL (`smtp://host:port`).
    pub smtp_url: String,
    /// The sender address (`Helpdesk <helpdesk@example.com>`).
    pub from: String,
}

/// Sends the outbox's due messages, forever.
pub struct MailDelivery {
    db: Database,
    clock: HostClock,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl MailDelivery {
    /// Checks the settings; the server is first contacted when there is mail.
    pub fn new(db: Database, clock: HostClock, settings: &MailSettings) -> anyhow::Result<MailDelivery> {
        let transport = smtp_transport(&settings.smtp_url)?;
        let from = settings
            .from
            .parse()
            .map_err(|err| anyhow::anyhow!("--mail-from {}: {err}", settings.from))?;
        Ok(MailDelivery {
            db,
            clock,
            transport,
            from,
        })
    }

    /// Looks at the outbox every couple of seconds and sends what is due.
    pub async fn run_forever(self) {
        loop {
            if let Err(err) = self.deliver_due().await {
                tracing::warn!("mail delivery: {err}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Sends every message due now (a batch at a time); how many were sent.
    pub async fn deliver_due(&self) -> Result<usize, StorageFailure> {
        let mut sent = 0;
        // One message per claim: its lease covers one send (at most a minute), never a
        // batch's, so no other node takes it while it is being sent.
        for _ in 0..BATCH {
            let now = self.clock.now_ms();
            let claimed = self
                .db
                .write(move |slot| -> Result<_, StorageFailure> {
                    Ok(slot.tx()?.claim_due_mail(now, now + SEND_LEASE_MS, 1)?)
                })
                .await?;
            let Some(mail) = claimed.into_iter().next() else {
                break;
            };
            let outcome = self.send(&mail).await;
            let now = self.clock.now_ms();
            let id = mail.id;
            let attempts = mail.attempts;
            let recorded = self
                .db
                .write(move |slot| -> Result<_, StorageFailure> {
                    let tx = slot.tx()?;
                    match &outcome {
                        Ok(()) => tx.mail_sent(id, now)?,
                        Err(error) => tx.mail_failed(id, error, now + backoff_ms(attempts))?,
                    }
                    Ok(outcome.is_ok())
                })
                .await;
            match recorded {
                Ok(true) => sent += 1,
                Ok(false) => tracing::warn!(mail = id, "sending failed; it stays in the outbox"),
                // The next messages are still worth sending; this one is tried again when
                // its lease ends (it may reach its recipients twice).
                Err(failure) => tracing::error!(mail = id, %failure, "recording a send failed"),
            }
        }
        Ok(sent)
    }

    async fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        let mut builder = Message::builder().from(self.from.clone()).subject(mail.subject.clone());
        for to in &mail.to {
            let mailbox: Mailbox = to.parse().map_err(|err| format!("recipient {to}: {err}"))?;
            builder = builder.to(mailbox);
        }
        let message = builder.body(mail.body.clone()).map_err(|err| err.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    }
}

/// The SMTP transport `smtp_url` names, as lettre reads it: `smtp://host[:port]` (plain, to
/// a relay on a trusted network; port 25), `smtp://host[:port]?tls=required` (STARTTLS, which
/// must succeed; port 587), `smtps://host[:port]` (TLS from the start; port 465), with
/// `user:password@` for servers that want a login. TLS is rustls with the Mozilla roots; a
/// server that does not offer the TLS asked for gets no mail, and the outbox keeps it with
/// the reason.
fn smtp_transport(smtp_url: &str) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let refuse = |why: &str| anyhow::anyhow!("--smtp-url: {why}");
    let url = url::Url::parse(smtp_url).map_err(|err| refuse(&err.to_string()))?;
    let tls = url.scheme() == "smtps" || url.query_pairs().any(|(k, v)| k == "tls" && v == "required");
    if url.password().is_some() && !tls {
        tracing::warn!("--smtp-url sends a password without TLS; use smtps:// or ?tls=required");
    }
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(|err| refuse(&err.to_string()))?
        .build())
}

/// The wait before the next try after `attempts` tries.
fn backoff_ms(attempts: i64) -> i64 {
    let doubled = FIRST_BACKOFF_MS.saturating_mul(1i64 << attempts.clamp(0, 20));
    doubled.min(MAX_BACKOFF_MS)
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn lc_10_failed_mail_is_tried_again_less_and_less_often() {
        assert_eq!(backoff_ms(0), 60_000);
        assert_eq!(backoff_ms(1), 120_000);
        assert_eq!(backoff_ms(10), 3_600_000, "at most an hour apart");
        assert_eq!(backoff_ms(1_000), 3_600_000);
    }
}
