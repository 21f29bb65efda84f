//! The web pages (SPEC PL-8): plain HTML, CSS and ES modules compiled into the host, no
//! build step. A small shared core (`web/core/`: api, stream, dom, format, banner, theme, and
//! the module of WIT enums generated from the contract), one folder per feature
//! (`web/presence/`, `web/login/`), and one entry module per page.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
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
    // The same for browsers that know only the older header.
    response
        .headers_mut()
        .insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
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
const SVG: &str = "image/svg+xml";

/// The pages: URL path and HTML.
const PAGES: &[(&str, &str)] = &[
    ("/", include_str!("../web/index.html")),
    ("/login", include_str!("../web/login.html")),
    ("/inbox", include_str!("../web/inbox.html")),
    ("/chat-settings", include_str!("../web/chat-settings.html")),
    ("/chat-texts", include_str!("../web/chat-texts.html")),
    ("/portal", include_str!("../web/portal.html")),
    ("/outbox", include_str!("../web/outbox.html")),
    ("/people", include_str!("../web/people.html")),
    ("/presence-settings", include_str!("../web/presence-settings.html")),
    ("/team-chat", include_str!("../web/team-chat.html")),
    ("/team-chat-settings", include_str!("../web/team-chat-settings.html")),
    ("/team-chat-trace", include_str!("../web/team-chat-trace.html")),
    ("/issues", include_str!("../web/issues.html")),
    ("/issue", include_str!("../web/issue.html")),
];

/// Served, with status 404, for any path that is neither a page, an asset nor an API route.
const NOT_FOUND_PAGE: &str = include_str!("../web/not-found.html");

/// Every script and style sheet: URL path, content type, contents. Module scripts run only
/// when served as JavaScript, so the type matters.
const ASSETS: &[(&str, &str, &str)] = &[
    ("/assets/core/base.css", CSS, include_str!("../web/core/base.css")),
    ("/assets/core/header.css", CSS, include_str!("../web/core/header.css")),
    ("/assets/core/favicon.svg", SVG, include_str!("../web/core/favicon.svg")),
    ("/assets/core/api.js", JAVASCRIPT, include_str!("../web/core/api.js")),
    (
        "/assets/core/heartbeat.js",
        JAVASCRIPT,
        include_str!("../web/core/heartbeat.js"),
    ),
    (
        "/assets/core/banner.js",
        JAVASCRIPT,
        include_str!("../web/core/banner.js"),
    ),
    ("/assets/core/contract.js", JAVASCRIPT, crate::contract::ENUMS_JS),
    ("/assets/core/dom.js", JAVASCRIPT, include_str!("../web/core/dom.js")),
    (
        "/assets/core/format.js",
        JAVASCRIPT,
        include_str!("../web/core/format.js"),
    ),
    (
        "/assets/core/stream.js",
        JAVASCRIPT,
        include_str!("../web/core/stream.js"),
    ),
    (
        "/assets/core/theme.js",
        JAVASCRIPT,
        include_str!("../web/core/theme.js"),
    ),
    (
        "/assets/login/login-page.js",
        JAVASCRIPT,
        include_str!("../web/login/login-page.js"),
    ),
    (
        "/assets/presence/presence.css",
        CSS,
        include_str!("../web/presence/presence.css"),
    ),
    (
        "/assets/presence/chat-availability.js",
        JAVASCRIPT,
        include_str!("../web/presence/chat-availability.js"),
    ),
    (
        "/assets/presence/my-status.js",
        JAVASCRIPT,
        include_str!("../web/presence/my-status.js"),
    ),
    (
        "/assets/presence/presence-dialog.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-dialog.js"),
    ),
    (
        "/assets/presence/presence-history.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-history.js"),
    ),
    (
        "/assets/presence/presence-link.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-link.js"),
    ),
    (
        "/assets/presence/presence-indicator.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-indicator.js"),
    ),
    (
        "/assets/presence/presence-page.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-page.js"),
    ),
    (
        "/assets/presence/weekdays.js",
        JAVASCRIPT,
        include_str!("../web/presence/weekdays.js"),
    ),
    (
        "/assets/presence/schedule-dialog.js",
        JAVASCRIPT,
        include_str!("../web/presence/schedule-dialog.js"),
    ),
    (
        "/assets/presence/presence-store.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-store.js"),
    ),
    (
        "/assets/team-chat/team-chat.css",
        CSS,
        include_str!("../web/team-chat/team-chat.css"),
    ),
    (
        "/assets/team-chat/team-chat-page.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/team-chat-page.js"),
    ),
    (
        "/assets/team-chat/team-chat-store.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/team-chat-store.js"),
    ),
    (
        "/assets/team-chat/chat-list.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/chat-list.js"),
    ),
    (
        "/assets/team-chat/chat-room.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/chat-room.js"),
    ),
    (
        "/assets/team-chat/people-list.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/people-list.js"),
    ),
    (
        "/assets/team-chat/room-dialog.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/room-dialog.js"),
    ),
    (
        "/assets/team-chat/team-chat-settings-page.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/team-chat-settings-page.js"),
    ),
    (
        "/assets/issues/issues.css",
        CSS,
        include_str!("../web/issues/issues.css"),
    ),
    (
        "/assets/issues/issues-page.js",
        JAVASCRIPT,
        include_str!("../web/issues/issues-page.js"),
    ),
    (
        "/assets/issues/issue-page.js",
        JAVASCRIPT,
        include_str!("../web/issues/issue-page.js"),
    ),
    (
        "/assets/team-chat/team-chat-trace-page.js",
        JAVASCRIPT,
        include_str!("../web/team-chat/team-chat-trace-page.js"),
    ),
    (
        "/assets/core/linkify.js",
        JAVASCRIPT,
        include_str!("../web/core/linkify.js"),
    ),
    (
        "/assets/live-chat/live-chat.css",
        CSS,
        include_str!("../web/live-chat/live-chat.css"),
    ),
    (
        "/assets/live-chat/inbox-page.js",
        JAVASCRIPT,
        include_str!("../web/live-chat/inbox-page.js"),
    ),
    (
        "/assets/live-chat/chat-texts-page.js",
        JAVASCRIPT,
        include_str!("../web/live-chat/chat-texts-page.js"),
    ),
    (
        "/assets/live-chat/chat-settings-page.js",
        JAVASCRIPT,
        include_str!("../web/live-chat/chat-settings-page.js"),
    ),
    ("/assets/admin/outbox.css", CSS, include_str!("../web/admin/outbox.css")),
    (
        "/assets/presence/presence-settings-page.js",
        JAVASCRIPT,
        include_str!("../web/presence/presence-settings-page.js"),
    ),
    (
        "/assets/admin/people-page.js",
        JAVASCRIPT,
        include_str!("../web/admin/people-page.js"),
    ),
    (
        "/assets/admin/outbox-page.js",
        JAVASCRIPT,
        include_str!("../web/admin/outbox-page.js"),
    ),
    (
        "/assets/widget/chat-widget.js",
        JAVASCRIPT,
        include_str!("../web/widget/chat-widget.js"),
    ),
    (
        "/assets/widget/portal-page.js",
        JAVASCRIPT,
        include_str!("../web/widget/portal-page.js"),
    ),
];

/// Assets other sites' pages load: the widget (a module script, which browsers fetch with
/// CORS). They hold no secret and set no cookie.
const CROSS_ORIGIN_PREFIX: &str = "/assets/widget/";

/// The page routes.
pub fn router() -> Router<ApiContext> {
    let pages = PAGES.iter().fold(Router::new(), |router, &(path, body)| {
        router.route(path, get(move || async move { page(body) }))
    });
    // Browsers ask for /favicon.ico on every page whatever the page links: the same icon.
    let pages = pages.route(
        "/favicon.ico",
        get(|| async { asset(SVG, include_str!("../web/core/favicon.svg")) }),
    );
    ASSETS
        .iter()
        .fold(pages, |router, &(path, content_type, body)| {
            let shared = path.starts_with(CROSS_ORIGIN_PREFIX);
            router.route(
                path,
                get(move || async move {
                    let mut response = asset(content_type, body);
                    if shared {
                        let headers = response.headers_mut();
                        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
                        headers.insert("cross-origin-resource-policy", HeaderValue::from_static("cross-origin"));
                    }
                    response
                }),
            )
        })
        .fallback(|| async { (StatusCode::NOT_FOUND, page(NOT_FOUND_PAGE)) })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{ASSETS, NOT_FOUND_PAGE, PAGES};

    /// The served paths a module imports, resolved against its own path.
    fn imports_of(path: &str, body: &str) -> Vec<String> {
        let dir = &path[..path.rfind('/').unwrap_or(0)];
        body.lines()
            .map(str::trim)
            .filter(|line| line.starts_with("import "))
            .filter_map(|line| line.split(['"', '\'']).nth(1))
            .map(|target| {
                let mut parts: Vec<&str> = dir.split('/').collect();
                for step in target.split('/') {
                    match step {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        name => parts.push(name),
                    }
                }
                parts.join("/")
            })
            .collect()
    }

    /// A page that links or imports a file the host does not serve would break silently in
    /// the browser.
    #[test]
    fn pl_8_every_linked_and_imported_file_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|(path, _, _)| *path).collect();
        for (page, html) in PAGES.iter().chain([&("(not found)", NOT_FOUND_PAGE)]) {
            for link in html.split(['"', '\'']).filter(|s| s.starts_with("/assets/")) {
                assert!(served.contains(&link), "{page} links {link}, which is not served");
            }
        }
        for (path, _, body) in ASSETS.iter().filter(|(p, _, _)| p.ends_with(".js")) {
            for import in imports_of(path, body) {
                assert!(
                    served.contains(&import.as_str()),
                    "{path} imports {import}, which is not served"
                );
            }
        }
    }

    #[test]
    fn pl_8_each_page_has_one_entry_module_and_the_modules_import_no_circle() {
        for (page, html) in PAGES {
            assert_eq!(html.matches("<script").count(), 1, "{page} has one entry module");
            assert!(html.contains("type=\"module\""), "{page}'s entry is an ES module");
        }
        let graph: BTreeMap<&str, Vec<String>> = ASSETS
            .iter()
            .filter(|(p, _, _)| p.ends_with(".js"))
            .map(|(path, _, body)| (*path, imports_of(path, body)))
            .collect();
        // Depth-first search; a module met again while still on the path closes a circle.
        fn visit<'a>(node: &'a str, graph: &'a BTreeMap<&str, Vec<String>>, path: &mut Vec<&'a str>) {
            assert!(
                !path.contains(&node),
                "circular imports: {} -> {node}",
                path.join(" -> ")
            );
            path.push(node);
            for next in graph.get(node).into_iter().flatten() {
                visit(next, graph, path);
            }
            path.pop();
        }
        for node in graph.keys() {
            visit(node, &graph, &mut Vec::new());
        }
        let core_imports_features = graph
            .iter()
            .filter(|(path, _)| path.starts_with("/assets/core/"))
            .flat_map(|(path, imports)| imports.iter().map(move |i| (path, i)))
            .find(|(_, import)| !import.starts_with("/assets/core/"));
        assert_eq!(core_imports_features, None, "the core imports no feature");
    }

    #[test]
    fn pl_8_the_pages_enum_module_comes_from_the_contract() {
        let contract = crate::contract::ENUMS_JS;
        assert!(contract.contains("export const presence"), "{contract}");
        assert!(contract.contains("\"duration-ended\""));
    }
}
