//! The API router with the real plugin, driven through `oneshot` (no network): a faulty
//! call gives a clean error with its request id, rolls back, and the next call works (PL-5).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use helpdesk_host::app::{Host, HostSettings};
use helpdesk_host::runtime::SandboxLimits;
use serde_json::{Value, json};
use tower::ServiceExt;

fn settings(dir: &std::path::Path) -> HostSettings {
    HostSettings {
        data_dir: dir.to_path_buf(),
        listen: "127.0.0.1:0".parse().unwrap(),
        plugin: None,
        cache_dir: Some(std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("component-cache")),
        seed: None,
        limits: SandboxLimits {
            call_timeout: Duration::from_secs(5),
            ..SandboxLimits::default()
        },
        test_clock: true,
        stream_recheck: Duration::from_secs(30),
    }
}

async fn send(host: &Host, request: Request<Body>) -> (StatusCode, Option<String>, Value) {
    let response = host.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (
        status,
        request_id,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn login(host: &Host, user: &str) -> String {
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "user": user, "password": "demo" }).to_string()))
        .unwrap();
    let (status, _, body) = send(host, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_string()
}

fn go_online(token: &str) -> Request<Body> {
    Request::post("/api/v1/projects/SUP/presence/online")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from("{}"))
        .unwrap()
}

#[tokio::test]
async fn pl_5_a_call_that_traps_in_the_host_returns_a_clean_error_and_the_next_call_works() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).unwrap();
    let token = login(&host, "alice").await;

    // Break the directory under the running host: the plugin's role lookup now fails
    // inside an import, which traps the call.
    let side = rusqlite::Connection::open(dir.path().join("helpdesk.db")).unwrap();
    side.execute_batch("ALTER TABLE project_roles RENAME TO project_roles_hidden")
        .unwrap();
    let (status, request_id, body) = send(&host, go_online(&token)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error"]["code"], "plugin_fault");
    assert_eq!(
        body["error"]["request_id"].as_str(),
        request_id.as_deref(),
        "the body names the request id"
    );
    let stored: i64 = side.query_row("SELECT count(*) FROM kv", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "nothing of the failed call was kept");

    side.execute_batch("ALTER TABLE project_roles_hidden RENAME TO project_roles")
        .unwrap();
    let (status, _, body) = send(&host, go_online(&token)).await;
    assert_eq!(status, StatusCode::OK, "the next call works: {body}");
    assert_eq!(body["changed"], json!(["SUP"]));
}

#[tokio::test]
async fn pl_7_a_client_request_id_is_kept_and_unauthenticated_calls_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).unwrap();
    let request = Request::get("/api/v1/projects/SUP/presence")
        .header("x-request-id", "trace-42")
        .body(Body::empty())
        .unwrap();
    let (status, request_id, body) = send(&host, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(request_id.as_deref(), Some("trace-42"));
    assert_eq!(
        body["error"],
        json!({ "code": "unauthenticated", "message": "log in first", "request_id": "trace-42" })
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_refused_for_a_while_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).unwrap();
    let attempt = |password: &str| {
        Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({ "user": "bob", "password": password }).to_string()))
            .unwrap()
    };
    for _ in 0..helpdesk_host::login_throttle::PER_USER {
        let (status, _, body) = send(&host, attempt("guess")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    let response = host.router.clone().oneshot(attempt("demo")).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(response.headers().contains_key("retry-after"));
    login(&host, "alice").await;
}
