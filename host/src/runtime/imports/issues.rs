//! The `issues` import: the tracker's issues, with the host's rules for them.

use wasmtime::Result;

use super::trap;
use crate::contract::helpdesk::chat::issues::{self as wit, HistoryEntry, HistoryKind, Issue};
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::issues::{self, IssueError};
use crate::runtime::host_state::HostState;

type GuestResult<T> = Result<std::result::Result<T, WitError>>;

fn guest<T>(result: std::result::Result<T, IssueError>) -> GuestResult<T> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(IssueError::NotFound(m)) => Ok(Err(WitError::NotFound(m))),
        Err(IssueError::Invalid(m)) => Ok(Err(WitError::Invalid(m))),
        Err(IssueError::LimitExceeded(m)) => Ok(Err(WitError::LimitExceeded(m))),
        Err(IssueError::Store(failure)) => super::guest_result(Err(failure)),
    }
}

impl wit::Host for HostState {
    fn get_issue(&mut self, key: String) -> Result<Option<Issue>> {
        self.tx()?.issue(&key).map_err(trap)
    }

    fn may_see_issue(&mut self, user: String, issue: String) -> Result<bool> {
        issues::may_see_issue(self.tx()?, &user, &issue).map_err(trap)
    }

    fn create_issue(&mut self, project: String, summary: String, reporter: Option<String>) -> GuestResult<Issue> {
        guest(issues::create_issue(
            self.tx()?,
            &project,
            &summary,
            reporter.as_deref(),
        ))
    }

    fn append_history(
        &mut self,
        issue: String,
        author: Option<String>,
        kind: HistoryKind,
        body: String,
    ) -> GuestResult<u64> {
        let now = self.clock.now_ms();
        guest(issues::append_history(
            self.tx()?,
            &issue,
            author.as_deref(),
            kind,
            &body,
            now,
        ))
    }

    fn history(&mut self, issue: String, after: Option<u64>, limit: u32) -> GuestResult<Vec<HistoryEntry>> {
        guest(issues::history(self.tx()?, &issue, after, limit, None))
    }
}
