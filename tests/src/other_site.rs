//! Another web site on loopback: serves one HTML page at every path, so a test can place the
//! chat widget's snippet on a page of a second origin (for example `127.0.0.2`).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A running one-page site; it stops when dropped.
pub struct OtherSite {
    /// Its origin, for example `http://127.0.0.2:41234`.
    pub origin: String,
    task: tokio::task::JoinHandle<()>,
}

impl OtherSite {
    /// Serves `html` on `ip` (a loopback address) at a free port.
    pub async fn serve(ip: &str, html: String) -> OtherSite {
        let listener = TcpListener::bind((ip, 0)).await.expect("binding the other site");
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let html = html.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                        html.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        OtherSite { origin, task }
    }
}

impl Drop for OtherSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}
