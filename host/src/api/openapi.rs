//! The OpenAPI document describing this API (SPEC PL-7).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::ApiContext;

/// The document, kept beside the host's sources and checked against the router by tests.
pub const DOCUMENT: &str = include_str!("../../openapi.json");

/// The route serving the document.
pub fn router() -> Router<ApiContext> {
    Router::new().route(
        "/openapi.json",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the API serves, as `(method, path)`; a new route must be added here
    /// and to `openapi.json`.
    const ROUTES: &[(&str, &str)] = &[
        ("post", "/auth/login"),
        ("post", "/auth/logout"),
        ("get", "/me"),
        ("get", "/projects"),
        ("get", "/directory/users"),
        ("post", "/directory/users"),
        ("post", "/directory/projects"),
        ("put", "/directory/projects/{key}/roles/{user}"),
        ("get", "/projects/{key}/presence"),
        ("post", "/projects/{key}/presence/online"),
        ("post", "/projects/{key}/presence/offline"),
        ("get", "/projects/{key}/chat-status"),
        ("get", "/presence/me"),
        ("get", "/projects/{key}/presence/history"),
        ("get", "/stream"),
        ("post", "/test/clock"),
        ("get", "/openapi.json"),
        ("get", "/directory/groups"),
        ("post", "/directory/groups"),
        ("get", "/directory/companies"),
        ("post", "/directory/companies"),
        ("post", "/projects/{key}/issues"),
        ("get", "/issues/{key}"),
        ("get", "/issues/{key}/history"),
    ];

    #[test]
    fn pl_7_every_route_is_described() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        for (method, path) in ROUTES {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} is missing from openapi.json"
            );
        }
        let described: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|p| p.as_object().unwrap().len())
            .sum();
        assert_eq!(
            described,
            ROUTES.len(),
            "openapi.json describes a route the test does not list"
        );
    }
}
