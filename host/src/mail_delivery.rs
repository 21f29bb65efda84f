//! Delivers the mail outbox over SMTP (with `lettre`) when the host is given a mail server;
//! without one, mail stays in the outbox, listed for site admins. A message leaves the outbox
//! only once the server accepted it; a failed try is recorded with its reason and tried
//! again later, less and less often, so a restart or an outage loses nothing. A message the
//! server refuses for good (a 5xx answer, an address it cannot take), or one that a day of
//! tries could not deliver, is given up: kept and listed as failed, never tried again.
//!
//! Messages are built with lettre's builder: `MIME-Version`, `Content-Type: text/plain;
//! charset=utf-8` with an encoding chosen for the text, a `Date` and a `Message-ID`.

use std::time::Duration;

use lettre::message::{Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::clock::HostClock;
use crate::storage::backend::{MailRetry, OutboxMail};
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
/// The most tries of one message: with the waits above, about a day of them.
const MAX_TRIES: i64 = 30;

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
                    let mut tx = slot.tx()?;
                    match &outcome {
                        Ok(()) => tx.mail_sent(id, now)?,
                        Err(failure) => tx.mail_failed(id, &failure.reason, retry(failure, attempts, now))?,
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

    async fn send(&self, mail: &OutboxMail) -> Result<(), SendFailure> {
        let message = compose(&self.from, mail, self.clock.now_ms())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|err| SendFailure {
                permanent: err.is_permanent(),
                reason: err.to_string(),
            })
    }
}

/// Why a try failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// In words, as the outbox lists it.
    pub reason: String,
    /// The message can never be sent as it is (the server refused it for good, or it
    /// cannot be written as mail).
    pub permanent: bool,
}

/// When to try a message again after a failed try, its `attempts`-th before this one.
fn retry(failure: &SendFailure, attempts: i64, now: i64) -> MailRetry {
    if failure.permanent || attempts + 1 >= MAX_TRIES {
        MailRetry::GiveUp(now)
    } else {
        MailRetry::At(now + backoff_ms(attempts))
    }
}

/// The message as it goes out, from `from`, dated `now_ms`: UTF-8 plain text in a MIME
/// part, with a `Message-ID` at the sender's domain.
pub fn compose(from: &Mailbox, mail: &OutboxMail, now_ms: i64) -> Result<Message, SendFailure> {
    let permanent = |reason: String| SendFailure {
        reason,
        permanent: true,
    };
    let date = std::time::UNIX_EPOCH + Duration::from_millis(u64::try_from(now_ms).unwrap_or(0));
    let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), from.email.domain());
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(mail.subject.clone())
        .date(date)
        .message_id(Some(message_id));
    for to in &mail.to {
        let mailbox: Mailbox = to.parse().map_err(|err| permanent(format!("recipient {to}: {err}")))?;
        builder = builder.to(mailbox);
    }
    builder
        .singlepart(SinglePart::plain(mail.body.clone()))
        .map_err(|err| permanent(err.to_string()))
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
    use super::*;

    fn outbox_mail(to: &str, subject: &str, body: &str) -> OutboxMail {
        OutboxMail {
            id: 1,
            to: vec![to.into()],
            subject: subject.into(),
            body: body.into(),
            queued_ms: 0,
            sent_ms: None,
            attempts: 0,
            last_error: None,
            failed_ms: None,
        }
    }

    #[test]
    fn lc_10_mail_is_mime_with_its_charset_and_a_message_id() {
        let from: Mailbox = "Support <support@example.test>".parse().unwrap();
        let body = "Grüße aus Oslo — your answer: ¿sí? 日本語\nSecond line";
        let mail = outbox_mail("vera@example.test", "Antwort: Grüße", body);
        let raw = compose(&from, &mail, 1_700_000_000_000).unwrap().formatted();
        use mail_parser::MimeHeaders;
        let parsed = mail_parser::MessageParser::default().parse(&raw).expect("parses");
        let header = |name: &str| parsed.header_raw(name).map(str::trim).map(str::to_string);
        assert_eq!(header("MIME-Version").as_deref(), Some("1.0"));
        let content_type = parsed.content_type().expect("a Content-Type");
        assert_eq!(
            (
                content_type.ctype(),
                content_type.subtype(),
                content_type.attribute("charset")
            ),
            ("text", Some("plain"), Some("utf-8"))
        );
        let id = parsed.message_id().expect("a Message-ID");
        assert!(id.ends_with("@example.test"), "{id}");
        assert_eq!(parsed.subject(), Some("Antwort: Grüße"));
        assert_eq!(
            parsed.body_text(0).as_deref().map(str::trim_end),
            Some(body.replace('\n', "\r\n").as_str())
        );
        assert!(parsed.date().is_some());
    }

    #[test]
    fn lc_10_mail_that_can_never_go_is_given_up_and_the_rest_is_tried_for_a_day() {
        let transient = SendFailure {
            reason: "connection refused".into(),
            permanent: false,
        };
        let refused = SendFailure {
            reason: "550 no such user".into(),
            permanent: true,
        };
        assert_eq!(retry(&transient, 0, 1_000), MailRetry::At(61_000));
        assert_eq!(retry(&refused, 0, 1_000), MailRetry::GiveUp(1_000));
        assert_eq!(retry(&transient, MAX_TRIES - 1, 1_000), MailRetry::GiveUp(1_000));
        let waited: i64 = (0..MAX_TRIES - 1).map(backoff_ms).sum();
        assert!(
            (20 * 3_600_000..=30 * 3_600_000).contains(&waited),
            "about a day of tries: {waited} ms"
        );
        let from: Mailbox = "h@example.test".parse().unwrap();
        let unsendable = compose(&from, &outbox_mail("not an address", "s", "b"), 0).unwrap_err();
        assert!(unsendable.permanent, "{unsendable:?}");
    }

    #[test]
    fn lc_10_failed_mail_is_tried_again_less_and_less_often() {
        assert_eq!(backoff_ms(0), 60_000);
        assert_eq!(backoff_ms(1), 120_000);
        assert_eq!(backoff_ms(10), 3_600_000, "at most an hour apart");
        assert_eq!(backoff_ms(1_000), 3_600_000);
    }
}
