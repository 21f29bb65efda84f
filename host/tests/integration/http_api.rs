//! The API router with the real plugin, driven through `oneshot` (no network): a faulty
//! call gives a clean error with its request id, rolls back, and the next call works
//! (PL-5); every documented route is served (PL-7); a request past its deadline is given up.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use helpdesk_host::api::ApiSettings;
use helpdesk_host::app::{Host, HostSettings};
use helpdesk_host::http_server::HttpLimits;
use helpdesk_host::runtime::SandboxLimits;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::site_settings;

fn settings(dir: &std::path::Path) -> HostSettings {
    HostSettings {
        site: site_settings(
            dir,
            SandboxLimits {
                call_timeout: Duration::from_secs(5),
                ..SandboxLimits::default()
            },
        ),
        api: ApiSettings {
            test_clock: true,
            stream_recheck: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            ..ApiSettings::default()
        },
        http: HttpLimits::default(),
        mail: None,
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
    let host = Host::build(&settings(dir.path())).await.unwrap();
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
    let stored: i64 = side
        .query_row("SELECT count(*) FROM kv WHERE key LIKE 'presence/agent/%'", [], |r| {
            r.get(0)
        })
        .unwrap();
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
    let host = Host::build(&settings(dir.path())).await.unwrap();
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
async fn pl_7_repeated_failed_logins_are_refused_for_a_while_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
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
    // The counts live in the store: a restarted host still refuses.
    drop(host);
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let (status, _, _) = send(&host, attempt("demo")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn pl_7_unknown_api_routes_and_methods_are_answered_in_json_and_pages_with_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let (status, _, body) = send(&host, Request::get("/api/v1/nothing/here").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["message"], "no API route GET /api/v1/nothing/here");

    let long = format!("/api/v1/{}", "x".repeat(5000));
    let (_, _, body) = send(&host, Request::get(long).body(Body::empty()).unwrap()).await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.chars().count() < 200, "the echoed path is cut short: {message}");

    let response = host
        .router
        .clone()
        .oneshot(Request::delete("/api/v1/me").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET,HEAD");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    assert_eq!(body["error"]["message"], "/api/v1/me does not take DELETE");

    // Outside the API a person gets a page, not JSON.
    let response = host
        .router
        .clone()
        .oneshot(Request::get("/no/such/page").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("<h1>Page not found</h1>"));
}

#[tokio::test]
async fn pl_7_a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let guesses = (0..3 * helpdesk_host::login_throttle::PER_USER).map(|i| {
        let request = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(
                json!({ "user": "bob", "password": format!("guess{i}") }).to_string(),
            ))
            .unwrap();
        host.router.clone().oneshot(request)
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses)
        .await
        .into_iter()
        .map(|response| response.unwrap().status())
        .collect();
    let tried = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(tried, helpdesk_host::login_throttle::PER_USER, "{statuses:?}");
    assert_eq!(refused, statuses.len() - tried);
}

#[tokio::test]
async fn pl_7_every_documented_route_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let doc: Value = serde_json::from_str(&host.api.openapi_json).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let concrete = path
                .replace("{key}", "SUP")
                .replace("{project}", "SUP")
                .replace("{user}", "alice");
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(format!("/api/v1{concrete}"))
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let response = host.router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
                .await
                .unwrap_or_default();
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let unrouted = status == StatusCode::METHOD_NOT_ALLOWED
                || body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("no API route"));
            assert!(!unrouted, "{method} {path} is documented but not served ({status})");
        }
    }
}

#[tokio::test]
async fn pl_5_a_request_past_its_deadline_is_given_up_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(dir.path());
    settings.api.request_timeout = Duration::from_millis(1);
    let host = Host::build(&settings).await.unwrap();
    // A password check takes far longer than a millisecond.
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "user": "alice", "password": "demo" }).to_string()))
        .unwrap();
    let response = host.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "1");
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "timeout");
}

#[tokio::test]
async fn pl_8_answers_carry_the_security_headers_and_the_favicon_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let get = |path: &'static str| {
        let router = host.router.clone();
        async move {
            router
                .oneshot(Request::get(path).body(Body::empty()).unwrap())
                .await
                .unwrap()
        }
    };
    for path in [
        "/",
        "/api/v1/me",
        "/api/v1/projects/SUP/chat-status",
        "/assets/core/api.js",
    ] {
        let response = get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        if path.starts_with("/api/") {
            assert_eq!(
                headers["cache-control"], "no-store",
                "{path}: API answers are never cached"
            );
        }
    }
    let page = get("/").await;
    assert_eq!(page.headers()["x-frame-options"], "DENY", "no other site frames a page");
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert!(
        page.headers().get("strict-transport-security").is_none(),
        "no HSTS unless asked for and reached over TLS"
    );
    let icon = get("/favicon.ico").await;
    assert_eq!(icon.status(), StatusCode::OK, "no 404 on every page");
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn pl_7_oversized_and_malformed_bodies_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let token = login(&host, "alice").await;
    let post = |body: String| {
        Request::post("/api/v1/projects/SUP/presence/online")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap()
    };
    let huge = format!("{{\"all_projects\": false, \"pad\": \"{}\"}}", "x".repeat(10 << 20));
    let (status, _, body) = send(&host, post(huge)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("limit_exceeded"))
    );

    for (sent, said) in [
        (
            r#"{"duration_minutes": "ten"}"#,
            "duration_minutes: must be a whole number, 0 or more, not string \"ten\"",
        ),
        (
            r#"{"all_projects": 1}"#,
            "all_projects: must be true or false, not integer `1`",
        ),
        (
            r#"{"al_projects": true}"#,
            "\"al_projects\" is not a field of this request",
        ),
        (r#"{"all_projects": tru"#, "this is not well-formed JSON"),
    ] {
        let (status, _, body) = send(&host, post(sent.to_string())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{sent}");
        let message = body["error"]["message"].as_str().unwrap();
        assert_eq!(message, format!("body: {said}"), "{sent}");
        assert!(
            !message.contains("deserialize") && !message.contains("line 1"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn pl_7_a_page_of_another_site_cannot_act_with_the_session_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let token = login(&host, "alice").await;
    let request = |method: &str, path: &str, site: &str, credential: (&str, String)| {
        Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .header("sec-fetch-site", site)
            .header(credential.0, credential.1)
            .body(Body::from("{}"))
            .unwrap()
    };
    let cookie = || ("cookie", format!("hd_session={token}"));
    let bearer = || ("authorization", format!("Bearer {token}"));
    let online = "/api/v1/projects/SUP/presence/online";

    let (status, _, body) = send(&host, request("POST", online, "cross-site", cookie())).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("access_denied"))
    );
    let (status, _, _) = send(&host, request("POST", "/api/v1/auth/logout", "cross-site", cookie())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no logging out from another site's page");
    let (status, _, _) = send(&host, request("GET", "/api/v1/me", "cross-site", cookie())).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "reads are harmless, and the session is still there"
    );
    let (status, _, _) = send(&host, request("POST", online, "same-site", cookie())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a sibling site's page neither");
    let mut own_page = request("POST", online, "same-origin", cookie());
    own_page
        .headers_mut()
        .insert("x-requested-with", "helpdesk".parse().unwrap());
    let (status, _, _) = send(&host, own_page).await;
    assert_eq!(status, StatusCode::OK, "the site's own pages act");
    let (status, _, _) = send(&host, request("POST", online, "cross-site", bearer())).await;
    assert_eq!(status, StatusCode::OK, "a token in a header is no forged request");
}

#[tokio::test]
async fn pl_7_the_document_lists_every_stream_event_with_its_payload() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let doc: Value = serde_json::from_str(&host.api.openapi_json).unwrap();
    let events = doc["paths"]["/stream"]["get"]["x-events"].as_object().unwrap();
    let declared = helpdesk_host::api::openapi::STREAM_EVENTS
        .iter()
        .map(|(name, ..)| *name);
    let names: Vec<&str> = ["ready", "reset"].into_iter().chain(declared).collect();
    for name in [
        "presence-changed",
        "chat-status",
        "chat-message",
        "conversation-updated",
        "typing",
        "inbox-counts",
    ] {
        assert!(names.contains(&name), "{name} is declared by its feature");
    }
    for name in names {
        let event = &events[name];
        assert!(event["topics"].is_string(), "{name}");
        if let Some(reference) = event["data"]["$ref"].as_str() {
            let schema = reference.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "{name}: {schema} is described"
            );
        }
    }
}

#[tokio::test]
async fn lc_5_a_registration_refused_for_any_reason_hashes_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::build(&settings(dir.path())).await.unwrap();
    let register = |project: &str, page: Option<&str>, name: &str, password: &str| {
        let mut request = Request::post(format!("/api/v1/projects/{project}/chat/register"))
            .header("content-type", "application/json");
        if let Some(page) = page {
            request = request.header("sec-fetch-site", page);
        }
        request
            .body(Body::from(
                json!({ "display_name": name, "email": "vera@example.test", "password": password }).to_string(),
            ))
            .unwrap()
    };
    let before = host.api.passwords.done();
    for (request, status) in [
        (
            register("SUP", Some("same-origin"), "Vera", "long enough"),
            StatusCode::FORBIDDEN,
        ),
        (
            register("NOPE", Some("same-origin"), "Vera", "long enough"),
            StatusCode::NOT_FOUND,
        ),
        (register("SUP", None, "Vera", "long enough"), StatusCode::FORBIDDEN),
        (
            register("SUP", Some("same-origin"), "Vera", &"x".repeat(2000)),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (got, _, body) = send(&host, request).await;
        assert_eq!(got, status, "{body}");
    }
    assert_eq!(
        host.api.passwords.done(),
        before,
        "registration is off, the project unknown, no page"
    );

    // Turned on: a name the project's staff go by is refused before hashing too.
    let paula = login(&host, "paula").await;
    let settings_request = Request::get("/api/v1/projects/SUP/chat/widget-settings")
        .header("authorization", format!("Bearer {paula}"))
        .body(Body::empty())
        .unwrap();
    let (_, _, mut widget) = send(&host, settings_request).await;
    widget["registration"] = json!(true);
    let save = Request::put("/api/v1/projects/SUP/chat/widget-settings")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {paula}"))
        .body(Body::from(widget.to_string()))
        .unwrap();
    assert_eq!(send(&host, save).await.0, StatusCode::OK);
    let before = host.api.passwords.done();
    let (status, _, body) = send(
        &host,
        register("SUP", Some("same-origin"), "alice  AGENT", "long enough"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("staff"), "{body}");
    assert_eq!(host.api.passwords.done(), before);
    let (status, _, body) = send(
        &host,
        register("SUP", Some("same-origin"), "Vera Visitor", "long enough"),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(host.api.passwords.done(), before + 1, "one hash for one registration");
}
