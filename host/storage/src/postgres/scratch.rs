//! A throwaway database on a PostgreSQL server, for the backend's tests and the multi-node
//! benchmark: made empty with a unique name, dropped (its connections forced off) when it
//! goes out of scope.

use super::schema;

/// A database that lives as long as this value.
pub struct ScratchDatabase {
    admin: String,
    /// Its name on the server.
    pub name: String,
    /// Its URL, as `--database` and [`super::PostgresSettings`] take it.
    pub url: String,
}

impl ScratchDatabase {
    /// Makes an empty database named `<prefix>_<random>` on the server whose admin URL
    /// (`postgres://user@host:port/postgres`) is `admin`.
    pub fn create(admin: &str, prefix: &str) -> anyhow::Result<ScratchDatabase> {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let Some((server, _)) = admin.rsplit_once('/') else {
            anyhow::bail!("the admin URL must end in a database name, as in postgres://user@host/postgres");
        };
        let url = format!("{server}/{name}");
        let sql = format!("CREATE DATABASE {name}");
        schema::off_runtime(|| schema::connect(admin)?.batch_execute(&sql).map_err(anyhow::Error::from))?;
        Ok(ScratchDatabase {
            admin: admin.to_string(),
            name,
            url,
        })
    }

    /// The server's admin URL it was made on.
    pub fn admin(&self) -> &str {
        &self.admin
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Best effort: a backend's connections may still be open, so force them off.
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        schema::off_runtime(|| {
            if let Ok(mut client) = schema::connect(&self.admin) {
                let _ = client.batch_execute(&sql);
            }
        });
    }
}
