//! Waiting for something that happens soon after a request (a mail sent by a worker, a
//! conversation reaching an inbox), without fixed sleeps.

use std::future::Future;
use std::time::Duration;

/// Asks `check` every 100 ms until it answers `Some`, for up to 10 s, and returns that
/// answer; panics naming `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    for _ in 0..100 {
        if let Some(found) = check().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited in vain for {what}");
}
