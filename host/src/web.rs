//! The web pages (SPEC PL-8): plain HTML, CSS and ES modules compiled into the host, no
//! build step. A small shared core (`web/core/`: api, stream, dom, format, banner, theme, and
//! the module of WIT enums generated from the contract), one folder per feature
//! (`web/presence/`, `web/login/`), and one entry module per page. One rule serves them all:
//! `web/<page>.html` at `/<page>`, `web/<folder>/<file>` at `/assets/<folder>/<file>`.

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

/// Every file under `web/`, compiled into the host (in debug builds too, so tests serve what
/// ships). `rust-embed` chosen over a hand-kept list: a new file is served by the rule below
/// without a line here.
#[derive(rust_embed::Embed)]
#[folder = "web/"]
struct WebFiles;

/// A file compiled into the host, as the text it is.
fn text_of(file: rust_embed::EmbeddedFile) -> &'static str {
    let bytes: &'static [u8] = match file.data {
        std::borrow::Cow::Borrowed(bytes) => bytes,
        // Embedded files are borrowed; an owned one is kept for the process's life, once.
        std::borrow::Cow::Owned(bytes) => Box::leak(bytes.into_boxed_slice()),
    };
    std::str::from_utf8(bytes).unwrap_or("")
}

/// How a file is served, by its extension; `None` for a file that is not served.
fn content_type(path: &str) -> Option<&'static str> {
    match path.rsplit('.').next()? {
        "js" => Some("text/javascript; charset=utf-8"),
        "css" => Some("text/css; charset=utf-8"),
        "svg" => Some("image/svg+xml"),
        _ => None,
    }
}

/// The pages: each `web/<name>.html` at `/<name>` (`index.html` at `/`), but the not-found
/// page, which answers every unknown path.
pub fn pages() -> Vec<(String, &'static str)> {
    WebFiles::iter()
        .filter(|path| !path.contains('/') && path.ends_with(".html") && path != NOT_FOUND_FILE)
        .filter_map(|path| {
            let body = text_of(WebFiles::get(&path)?);
            let stem = path.trim_end_matches(".html");
            let url = if stem == "index" {
                "/".to_string()
            } else {
                format!("/{stem}")
            };
            Some((url, body))
        })
        .collect()
}

/// The file answering every path that is neither a page, an asset nor an API route.
const NOT_FOUND_FILE: &str = "not-found.html";

fn not_found_page() -> &'static str {
    WebFiles::get(NOT_FOUND_FILE).map(text_of).unwrap_or("Not found")
}

/// Every script, style sheet and image: each file in a folder of `web/` at `/assets/<path>`,
/// and the module of WIT enums and event kinds generated from the contract at
/// `/assets/core/contract.js` (and beside the widget).
/// Module scripts run only when served as JavaScript, so the type matters.
pub fn assets() -> Vec<(String, &'static str, &'static str)> {
    let mut assets: Vec<_> = WebFiles::iter()
        .filter(|path| path.contains('/'))
        .filter_map(|path| {
            let content_type = content_type(&path)?;
            Some((format!("/assets/{path}"), content_type, text_of(WebFiles::get(&path)?)))
        })
        .collect();
    // The widget runs on other sites and imports only from its own folder (served with CORS).
    for path in ["/assets/core/contract.js", "/assets/widget/contract.js"] {
        assets.push((path.into(), "text/javascript; charset=utf-8", crate::contract::ENUMS_JS));
    }
    assets
}

/// Assets other sites' pages load: the widget (a module script, which browsers fetch with
/// CORS). They hold no secret and set no cookie.
const CROSS_ORIGIN_PREFIX: &str = "/assets/widget/";

/// The page routes.
pub fn router() -> Router<ApiContext> {
    let pages = pages().into_iter().fold(Router::new(), |router, (path, body)| {
        router.route(&path, get(move || async move { page(body) }))
    });
    // Browsers ask for /favicon.ico on every page whatever the page links: the same icon.
    let favicon = WebFiles::get("core/favicon.svg").map(text_of).unwrap_or("");
    let pages = pages.route(
        "/favicon.ico",
        get(move || async move { asset("image/svg+xml", favicon) }),
    );
    assets()
        .into_iter()
        .fold(pages, |router, (path, content_type, body)| {
            let shared = path.starts_with(CROSS_ORIGIN_PREFIX);
            router.route(
                &path,
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
        .fallback(|| async { (StatusCode::NOT_FOUND, page(not_found_page())) })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{WebFiles, assets, content_type, not_found_page, pages};

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
        let assets = assets();
        let served: Vec<&str> = assets.iter().map(|(path, _, _)| path.as_str()).collect();
        let mut pages = pages();
        pages.push(("(not found)".into(), not_found_page()));
        for (page, html) in &pages {
            for link in html.split(['"', '\'']).filter(|s| s.starts_with("/assets/")) {
                assert!(served.contains(&link), "{page} links {link}, which is not served");
            }
        }
        for (path, _, body) in assets.iter().filter(|(p, _, _)| p.ends_with(".js")) {
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
        for (page, html) in pages() {
            assert_eq!(html.matches("<script").count(), 1, "{page} has one entry module");
            assert!(html.contains("type=\"module\""), "{page}'s entry is an ES module");
        }
        let assets = assets();
        let graph: BTreeMap<&str, Vec<String>> = assets
            .iter()
            .filter(|(p, _, _)| p.ends_with(".js"))
            .map(|(path, _, body)| (path.as_str(), imports_of(path, body)))
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
    fn pl_8_every_file_of_the_pages_is_served_by_one_rule() {
        for path in WebFiles::iter() {
            let page = !path.contains('/') && path.ends_with(".html");
            assert!(
                page || content_type(&path).is_some(),
                "web/{path} would not be served: give its kind a content type"
            );
        }
        let pages = pages();
        let urls: Vec<&str> = pages.iter().map(|(url, _)| url.as_str()).collect();
        for url in ["/", "/login", "/inbox", "/team-chat", "/portal"] {
            assert!(urls.contains(&url), "{url} is served");
        }
        assert!(
            !urls.contains(&"/not-found"),
            "the not-found page answers unknown paths only"
        );
        assert!(
            assets()
                .iter()
                .any(|(path, _, _)| path == "/assets/widget/chat-widget.js")
        );
    }

    #[test]
    fn pl_8_the_pages_enum_module_comes_from_the_contract() {
        let contract = crate::contract::ENUMS_JS;
        assert!(contract.contains("export const presence"), "{contract}");
        assert!(contract.contains("\"duration-ended\""));
    }
}
