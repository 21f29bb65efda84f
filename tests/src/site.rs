//! One site for one test: the host binary on a temporary data directory, and the ways a
//! test meets it (logged-in clients, anonymous clients, push streams, a restart).

use std::path::Path;

use crate::{ApiClient, EventStream, HostProcess};

/// A running host with its own data; stopped and removed when dropped.
pub struct TestSite {
    /// The host process.
    pub host: HostProcess,
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A host with the demo site, the test clock and quick stream re-checks.
    pub fn start() -> TestSite {
        Self::start_with(&[])
    }

    /// A host with extra command-line arguments.
    pub fn start_with(extra: &[&str]) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let host = HostProcess::start_with(dir.path(), extra);
        TestSite { host, dir }
    }

    /// The host stopped and started again on the same data.
    pub fn restart(self) -> TestSite {
        let TestSite { host, dir } = self;
        host.stop();
        let host = HostProcess::start(dir.path());
        TestSite { host, dir }
    }

    /// Where the site keeps its data.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The full URL of `path` on the host.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.host.base_url)
    }

    /// A client logged in as `user` (demo password).
    pub async fn login(&self, user: &str) -> ApiClient {
        ApiClient::login(&self.host.base_url, user).await
    }

    /// A client nobody is logged in with.
    pub fn anonymous(&self) -> ApiClient {
        ApiClient::anonymous(&self.host.base_url)
    }

    /// A widget visitor with `token`, on the portal (`page` = `None`) or another site's page.
    pub fn visitor(&self, token: &str, page: Option<&str>) -> ApiClient {
        ApiClient::visitor(&self.host.base_url, token, page)
    }

    /// A widget visitor with `token` on the portal, forwarded by a trusted proxy from `address`.
    pub fn visitor_from(&self, token: &str, address: &str) -> ApiClient {
        ApiClient::visitor_from(&self.host.base_url, token, address)
    }

    /// A push stream of `client` on `topics`, resuming after `last_event_id` if given, once
    /// it is `ready`.
    pub async fn stream(&self, client: &ApiClient, topics: &[&str], last_event_id: Option<i64>) -> EventStream {
        EventStream::open(&client.client, &self.host.base_url, topics, last_event_id).await
    }
}
