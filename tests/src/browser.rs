//! Headless Chromium through chromedriver (Debian's `chromium` and `chromium-driver`).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// A running chromedriver; killed when dropped.
pub struct Driver {
    child: Child,
    url: String,
    chromium: PathBuf,
    profiles: tempfile::TempDir,
}

fn find(variable: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    path.exists().then_some(path)
}

/// Starts chromedriver, or returns `None` (after a notice) when Chromium is not installed.
/// Under CI (`CI=true`) a missing browser is a failure, never a skip.
pub fn start_driver() -> Option<Driver> {
    let chromium = find("CHROMIUM", "/usr/bin/chromium");
    let chromedriver = find("CHROMEDRIVER", "/usr/bin/chromedriver");
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let message = "headless Chromium is not installed: `apt-get install chromium chromium-driver` \
                       (or set CHROMIUM and CHROMEDRIVER)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}; CI must run the browser tests");
        }
        eprintln!("SKIPPED browser test: {message}");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // Its own process group: Chromium's processes join it, so dropping the driver ends them
    // all (killing chromedriver alone leaves every browser it started running).
    let child = Command::new(chromedriver)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Driver {
        child,
        url,
        chromium,
        profiles: tempfile::tempdir().unwrap(),
    })
}

impl Driver {
    /// A new browser with its own profile (its own cookies): one person at one desk.
    pub async fn new_browser(&self, name: &str) -> Client {
        let profile = self.profiles.path().join(name);
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("starting a Chromium session")
    }

    /// A new browser in which `user` (demo password) has logged in and been taken to
    /// `page`.
    pub async fn logged_in(&self, base_url: &str, user: &str, page: &str) -> Client {
        let browser = self.new_browser(user).await;
        log_in(&browser, base_url, user, page).await;
        browser
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `script` (which returns a value) until its value is truthy, for up to 20 s (the
/// whole suite shares two cores with Chromium), and returns that value; panics naming
/// `what` otherwise.
pub async fn wait_until(browser: &Client, what: &str, script: &str) -> serde_json::Value {
    for _ in 0..200 {
        if let Ok(value) = browser.execute(script, vec![]).await
            && !(value.is_null() || value == json!(false) || value == json!(""))
        {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited in vain for {what}");
}

/// Logs `user` in (demo password) through the login page, which then goes to `next` (a
/// path); returns once that page says it is ready (`body[data-ready="1"]`).
pub async fn log_in(browser: &Client, base_url: &str, user: &str, next: &str) {
    log_in_to(browser, base_url, user, next, "1").await;
}

/// As [`log_in`], for a page that ends ready in another way (`body[data-ready=<ready>]`,
/// such as `denied`).
pub async fn log_in_to(browser: &Client, base_url: &str, user: &str, next: &str, ready: &str) {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    browser.goto(&format!("{base_url}/login?next={next}")).await.unwrap();
    for (id, text) in [("login-user", user), ("login-password", "demo")] {
        browser
            .find(fantoccini::Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    browser
        .find(fantoccini::Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(
        browser,
        "the page to be ready",
        &format!("return document.body.getAttribute('data-ready') === '{ready}';"),
    )
    .await;
}

/// Saves what `browser` shows as `<name>.png` under `SCREENSHOT_DIR`, when it is set, for
/// looking at the pages; nothing is asserted.
pub async fn screenshot(browser: &Client, name: &str) {
    if let Ok(dir) = std::env::var("SCREENSHOT_DIR")
        && let Ok(png) = browser.screenshot().await
    {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png);
    }
}

/// Opens the inbox's conversation `item` (a CSS selector in its list) and waits until it
/// shows. The list is drawn again as events arrive, so the click happens inside the page,
/// where no element goes stale between finding and clicking it.
pub async fn open_in_inbox(browser: &Client, item: &str) {
    let script = format!(
        "var c = document.getElementById('conversation'); if (c.hidden) {{ var i = document.querySelector({item:?}); if (i) i.click(); }} return !c.hidden;"
    );
    wait_until(browser, "the open conversation", &script).await;
}
