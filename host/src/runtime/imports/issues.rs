//! The `issues` import: the tracker's issues, with the host's rules for them.

use wasmtime::Result;

use super::{Capability, ImportError, trap};
use crate::contract::helpdesk::chat::issues::{self as wit, HistoryEntry, HistoryKind, Issue};
use crate::contract::helpdesk::chat::types::Error as WitError;
use crate::issues::{self, IssueError};
use crate::storage::IssueRecords;

impl From<IssueError> for ImportError {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::NotFound(m) => WitError::NotFound(m).into(),
            IssueError::Invalid(m) => WitError::Invalid(m).into(),
            IssueError::LimitExceeded(m) => WitError::LimitExceeded(m).into(),
            IssueError::Store(failure) => failure.into(),
        }
    }
}

impl wit::Host for Capability<'_, dyn IssueRecords> {
    fn get_issue(&mut self, key: String) -> Result<Option<Issue>> {
        self.store()?.issue(&key).map_err(trap)
    }

    fn may_see_issue(&mut self, user: String, issue: String) -> Result<bool> {
        issues::may_see_issue(self.store()?, &user, &issue).map_err(trap)
    }

    fn create_issue(
        &mut self,
        project: String,
        summary: String,
        reporter: Option<String>,
    ) -> std::result::Result<Issue, ImportError> {
        Ok(issues::create_issue(
            self.store()?,
            &project,
            &summary,
            reporter.as_deref(),
        )?)
    }

    fn append_history(
        &mut self,
        issue: String,
        author: Option<String>,
        kind: HistoryKind,
        body: String,
    ) -> std::result::Result<u64, ImportError> {
        let now = self.clock.now_ms();
        Ok(issues::append_history(
            self.store()?,
            &issue,
            author.as_deref(),
            kind,
            &body,
            now,
        )?)
    }

    fn history(
        &mut self,
        issue: String,
        after: Option<u64>,
        limit: u32,
    ) -> std::result::Result<Vec<HistoryEntry>, ImportError> {
        Ok(issues::history(self.store()?, &issue, after, limit, None)?)
    }
}
