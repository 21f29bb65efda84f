//! The deadline of the request being served. The HTTP layer sets it for every request; the
//! storage does not start a job whose request has already given up, so an overloaded host
//! sheds work instead of doing it for nobody.

use std::future::Future;
use std::time::Instant;

tokio::task_local! {
    static DEADLINE: Instant;
}

/// The current request's deadline, if one is set.
pub fn current() -> Option<Instant> {
    DEADLINE.try_with(|deadline| *deadline).ok()
}

/// Runs `work` with `deadline` as its request's deadline.
pub async fn within<F: Future>(deadline: Instant, work: F) -> F::Output {
    DEADLINE.scope(deadline, work).await
}
