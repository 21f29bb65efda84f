//! A mail server for tests: speaks just enough SMTP to accept every message, and keeps
//! what it received (envelope recipients and the raw message).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message received.
#[derive(Debug, Clone, Default)]
pub struct ReceivedMail {
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The message as sent after `DATA` (headers and body).
    pub data: String,
}

/// A running sink; it stops when dropped.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:<port>`, for `--smtp-url`.
    pub url: String,
    /// What it received, in order.
    pub received: Arc<Mutex<Vec<ReceivedMail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Listens on a free loopback port.
    pub async fn start() -> SmtpSink {
        Self::start_refusing(&[]).await
    }

    /// Listens on a free loopback port, and refuses for good (`550`) the recipients named.
    pub async fn start_refusing(refused: &[&str]) -> SmtpSink {
        let refused: Arc<Vec<String>> = Arc::new(refused.iter().map(|r| r.to_string()).collect());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binding the SMTP sink");
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let store = store.clone();
                let refused = refused.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                    let mut mail = ReceivedMail::default();
                    let mut in_data = false;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if in_data {
                            if line == "." {
                                in_data = false;
                                store.lock().unwrap().push(std::mem::take(&mut mail));
                                let _ = write.write_all(b"250 queued\r\n").await;
                            } else {
                                mail.data.push_str(line.strip_prefix('.').unwrap_or(&line));
                                mail.data.push('\n');
                            }
                            continue;
                        }
                        let upper = line.to_ascii_uppercase();
                        let answer: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            let address = line[8..].trim().trim_start_matches('<').trim_end_matches('>');
                            if refused.iter().any(|r| r == address) {
                                b"550 no such mailbox\r\n"
                            } else {
                                mail.to.push(address.to_string());
                                b"250 ok\r\n"
                            }
                        } else if upper.starts_with("DATA") {
                            in_data = true;
                            b"354 go on\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = write.write_all(answer).await;
                    }
                });
            }
        });
        SmtpSink { url, received, task }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}
