//! The web pages (SPEC PL-8): plain HTML, CSS and JS compiled into the host, no build step.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::api::ApiContext;

/// Scripts and styles only from this host; no inline code, no framing by other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

fn page(body: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every script and style sheet: URL path, content type, contents. Module scripts run only
/// when served as JavaScript, so the type matters.
const ASSETS: &[(&str, &str, &str)] = &[
    ("/assets/login.js", JAVASCRIPT, include_str!("../web/login.js")),
    ("/assets/css/base.css", CSS, include_str!("../web/css/base.css")),
    ("/assets/css/header.css", CSS, include_str!("../web/css/header.css")),
    ("/assets/css/presence.css", CSS, include_str!("../web/css/presence.css")),
    ("/assets/js/main.js", JAVASCRIPT, include_str!("../web/js/main.js")),
    ("/assets/js/api.js", JAVASCRIPT, include_str!("../web/js/api.js")),
    ("/assets/js/banner.js", JAVASCRIPT, include_str!("../web/js/banner.js")),
    (
        "/assets/js/content.js",
        JAVASCRIPT,
        include_str!("../web/js/content.js"),
    ),
    ("/assets/js/dialog.js", JAVASCRIPT, include_str!("../web/js/dialog.js")),
    ("/assets/js/dom.js", JAVASCRIPT, include_str!("../web/js/dom.js")),
    ("/assets/js/format.js", JAVASCRIPT, include_str!("../web/js/format.js")),
    ("/assets/js/header.js", JAVASCRIPT, include_str!("../web/js/header.js")),
    (
        "/assets/js/history.js",
        JAVASCRIPT,
        include_str!("../web/js/history.js"),
    ),
    (
        "/assets/js/my-status.js",
        JAVASCRIPT,
        include_str!("../web/js/my-status.js"),
    ),
    (
        "/assets/js/refresh.js",
        JAVASCRIPT,
        include_str!("../web/js/refresh.js"),
    ),
    ("/assets/js/state.js", JAVASCRIPT, include_str!("../web/js/state.js")),
    ("/assets/js/stream.js", JAVASCRIPT, include_str!("../web/js/stream.js")),
    ("/assets/js/theme.js", JAVASCRIPT, include_str!("../web/js/theme.js")),
];

/// The page routes.
pub fn router() -> Router<ApiContext> {
    let pages = Router::new()
        .route("/", get(|| async { page(include_str!("../web/index.html")) }))
        .route("/login", get(|| async { page(include_str!("../web/login.html")) }));
    ASSETS.iter().fold(pages, |router, &(path, content_type, body)| {
        router.route(path, get(move || async move { asset(content_type, body) }))
    })
}

#[cfg(test)]
mod tests {
    use super::ASSETS;

    /// A page that links a file the host does not serve would break silently in the browser.
    #[test]
    fn pl_8_every_linked_script_and_style_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|(path, _, _)| *path).collect();
        let sources = [include_str!("../web/index.html"), include_str!("../web/login.html")]
            .into_iter()
            .chain(
                ASSETS
                    .iter()
                    .filter(|(p, _, _)| p.ends_with(".js"))
                    .map(|(_, _, body)| *body),
            );
        for source in sources {
            for link in source.split(['"', '\'']).filter(|s| s.starts_with("/assets/")) {
                assert!(served.contains(&link), "{link} is linked but not served");
            }
        }
        for (path, _, body) in ASSETS.iter().filter(|(p, _, _)| p.starts_with("/assets/js/")) {
            for import in body.split(['"', '\'']).filter(|s| s.starts_with("./")) {
                let target = format!("/assets/js/{}", &import[2..]);
                assert!(
                    served.contains(&target.as_str()),
                    "{path} imports {import}, which is not served"
                );
            }
        }
    }
}
