//! PostgreSQL for the end-to-end tests: a throwaway database per site on the server
//! `HELPDESK_TEST_POSTGRES_URL` names (`.ci/postgres` starts one and prints it), and the
//! switch that runs the suite's sites on it (`HELPDESK_E2E_BACKEND=postgres`).

use std::sync::Arc;

/// The variable naming the test server's admin URL.
pub const SERVER_URL_VAR: &str = "HELPDESK_TEST_POSTGRES_URL";
/// The variable that puts every [`crate::TestSite`] on PostgreSQL.
pub const BACKEND_VAR: &str = "HELPDESK_E2E_BACKEND";

/// Whether this run's sites use PostgreSQL.
pub fn suite_on_postgres() -> bool {
    std::env::var(BACKEND_VAR).as_deref() == Ok("postgres")
}

/// The test server's admin URL; `None` with a notice when there is none, which fails the
/// test instead under `CI=true`.
pub fn server_url(test: &str) -> Option<String> {
    match std::env::var(SERVER_URL_VAR) {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: CI=true but {SERVER_URL_VAR} is not set (.ci/postgres starts a server)"
            );
            eprintln!("{test}: skipped, no PostgreSQL ({SERVER_URL_VAR} unset; .ci/postgres starts one)");
            None
        }
    }
}

/// A database made for one site and dropped (with its connections) after it.
pub struct ScratchDatabase {
    admin: String,
    name: String,
    /// The database's URL, as `--database` takes it.
    pub url: String,
}

impl ScratchDatabase {
    /// A new empty database on the server at `admin`.
    pub fn create(admin: &str) -> Arc<ScratchDatabase> {
        let name = format!("helpdesk_e2e_{}", uuid::Uuid::new_v4().simple());
        run_sql(admin, &format!("CREATE DATABASE {name}")).expect("creating a test database");
        let (server, _) = admin.rsplit_once('/').expect("the admin URL ends in a database name");
        Arc::new(ScratchDatabase {
            admin: admin.to_string(),
            url: format!("{server}/{name}"),
            name,
        })
    }

    /// Runs `sql` on this database.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        run_sql(&self.url, sql)
    }

    /// The first column of the first row `sql` returns, as text.
    pub fn query_text(&self, sql: &str) -> Result<Option<String>, String> {
        let url = self.url.clone();
        let sql = sql.to_string();
        off_runtime(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
            let row = client.query_opt(&sql, &[]).map_err(|e| e.to_string())?;
            Ok(row.and_then(|row| row.get::<_, Option<String>>(0)))
        })
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = run_sql(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// The blocking client runs its own runtime, which cannot start on a thread driving a
/// test's async runtime: give it a thread of its own.
fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(work).join().expect("the database thread")
}

fn run_sql(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    off_runtime(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        client.batch_execute(&sql).map_err(|e| e.to_string())
    })
}
