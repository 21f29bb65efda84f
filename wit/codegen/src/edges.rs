//! The edge of each exported function, declared once in its WIT doc comment (SPEC PL-9):
//! whether it only reads, and where the REST API serves it. Lines starting with `@` are
//! the notation; every other line is the function's documentation.
//!
//! ```text
//! /// @read                     the call only reads: a host may run it on a read-only
//! ///                           snapshot beside the writes, and refuses any write in it
//! /// @write                    the call may write: one transaction, kept when it returns ok
//! /// @http <method> <path> [anyone] [limit=<name>]
//! ///                           served at `<method> /api/v1<path>`; `{name}` in the path
//! ///                           is the parameter `name`, `{project}` the call context's
//! ///                           project; `anyone` lets callers without a login (widget
//! ///                           visitors) in, else a signed-in session is needed;
//! ///                           `limit=<name>` bounds how often one client may call it
//! /// @param <name> <text>      what an HTTP parameter means, for the API's readers; in an
//! ///                           interface's docs, for every function of it that has one
//! ///                           (a function's own `@param` wins)
//! ```
//!
//! A `get` reads the function's other parameters from the query (a record parameter's
//! fields one by one); other methods take them as one JSON object, or as the record itself
//! when a single record parameter remains. An `option` or `bool` parameter may be left out
//! (`none`, `false`).

use anyhow::{Context, Result, bail, ensure};
use wit_parser::{Docs, Function};

/// Whether a call may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only.
    Read,
    /// May write.
    Write,
}

/// An HTTP method a binding may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`: parameters in the query; the call must only read.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method in lower case, as utoipa and axum name it.
    pub fn name(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Delete => "delete",
        }
    }
}

/// Who may call a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A signed-in session of the site (staff and portal customers).
    SignedIn,
    /// Anyone, widget visitors included; the plugin decides what each may do.
    Anyone,
}

/// Where the REST API serves a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBinding {
    /// The method.
    pub method: Method,
    /// The path below the API's root, with `{name}` placeholders.
    pub path: String,
    /// Who may call it.
    pub audience: Audience,
    /// The name of the request limit that bounds it (kebab case), if any.
    pub limit: Option<String>,
}

impl HttpBinding {
    /// The placeholders of the path, in order.
    pub fn placeholders(&self) -> Vec<&str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }
}

/// The placeholder that names the call context's project rather than a parameter.
pub const PROJECT_PLACEHOLDER: &str = "project";

/// One exported function's edge.
#[derive(Debug, Clone)]
pub struct Edge {
    /// The interface's name (for example `live-chat`).
    pub interface: String,
    /// The function's name (for example `post-message`).
    pub function: String,
    /// Whether it may write.
    pub access: Access,
    /// Where the REST API serves it; `None` when only the host calls it, or a hand-written
    /// route of the host does (because the host adds something of its own).
    pub http: Option<HttpBinding>,
    /// What each parameter means, by name, for the API's readers.
    pub params: Vec<(String, String)>,
    /// The function's documentation without the notation.
    pub docs: String,
}

impl Edge {
    /// What parameter `name` means, if the docs say.
    pub fn param_doc(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(param, _)| param == name)
            .map(|(_, doc)| doc.as_str())
    }
}

/// The `@param` lines of an interface's doc comment: what parameters of those names mean
/// in every function of the interface.
pub fn shared_params(docs: &Docs) -> Vec<(String, String)> {
    docs.contents
        .as_deref()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().strip_prefix("@param "))
        .filter_map(|rest| rest.trim().split_once(' '))
        .map(|(name, doc)| (name.to_string(), doc.trim().to_string()))
        .collect()
}

/// Reads the edge of `function` of `interface` from its doc comment, with `shared` (the
/// interface's `@param` lines) for parameters the function does not describe itself, and
/// checks it against the function's signature.
pub fn parse(interface: &str, shared: &[(String, String)], function: &Function) -> Result<Edge> {
    let what = || format!("{interface}.{}", function.name);
    let text = function.docs.contents.as_deref().unwrap_or_default();
    let mut access = None;
    let mut http = None;
    let mut params = Vec::new();
    let mut docs = Vec::new();
    for line in text.lines().map(str::trim) {
        let Some(notation) = line.strip_prefix('@') else {
            docs.push(line);
            continue;
        };
        let (word, rest) = notation.split_once(' ').unwrap_or((notation, ""));
        let rest = rest.trim();
        match word {
            "read" | "write" => {
                ensure!(access.is_none(), "{}: says @read or @write more than once", what());
                ensure!(rest.is_empty(), "{}: @{word} takes nothing after it", what());
                access = Some(if word == "read" { Access::Read } else { Access::Write });
            }
            "http" => {
                ensure!(http.is_none(), "{}: has more than one @http", what());
                http = Some(parse_http(rest).with_context(what)?);
            }
            "param" => {
                let (name, doc) = rest
                    .split_once(' ')
                    .with_context(|| format!("{}: @param needs a name and a text", what()))?;
                params.push((name.to_string(), doc.trim().to_string()));
            }
            other => bail!(
                "{}: unknown notation @{other} (known: @read, @write, @http, @param)",
                what()
            ),
        }
    }
    let access = access.with_context(|| format!("{}: says neither @read nor @write", what()))?;
    for (name, doc) in shared {
        if function.params.iter().any(|param| &param.name == name) && !params.iter().any(|(own, _)| own == name) {
            params.push((name.clone(), doc.clone()));
        }
    }
    let edge = Edge {
        interface: interface.to_string(),
        function: function.name.clone(),
        access,
        http,
        params,
        docs: docs.join("\n").trim().to_string(),
    };
    check(&edge, function).with_context(what)?;
    Ok(edge)
}

fn parse_http(rest: &str) -> Result<HttpBinding> {
    let mut words = rest.split_whitespace();
    let method = match words.next() {
        Some("get") => Method::Get,
        Some("post") => Method::Post,
        Some("put") => Method::Put,
        Some("delete") => Method::Delete,
        other => bail!("@http needs a method (get, post, put, delete), not {other:?}"),
    };
    let path = words.next().context("@http needs a path")?.to_string();
    ensure!(path.starts_with('/'), "@http path {path:?} must start with /");
    let mut binding = HttpBinding {
        method,
        path,
        audience: Audience::SignedIn,
        limit: None,
    };
    for word in words {
        match word.split_once('=') {
            None if word == "anyone" => binding.audience = Audience::Anyone,
            Some(("limit", name)) if !name.is_empty() => binding.limit = Some(name.to_string()),
            _ => bail!("@http: unknown option {word:?} (known: anyone, limit=<name>)"),
        }
    }
    Ok(binding)
}

/// An edge must fit its function: the context first, a `get` only reads, every
/// placeholder a parameter, every HTTP parameter described.
fn check(edge: &Edge, function: &Function) -> Result<()> {
    let names: Vec<&str> = function.params.iter().map(|param| param.name.as_str()).collect();
    for (name, _) in &edge.params {
        ensure!(names.contains(&name.as_str()), "@param {name} is no parameter");
    }
    let Some(http) = &edge.http else {
        return Ok(());
    };
    ensure!(
        names.first() == Some(&"ctx"),
        "an HTTP binding needs the call context as the first parameter"
    );
    ensure!(
        !(http.method == Method::Get && edge.access == Access::Write),
        "a get must only read (@read)"
    );
    for placeholder in http.placeholders() {
        ensure!(
            placeholder == PROJECT_PLACEHOLDER || names.contains(&placeholder),
            "the path's {{{placeholder}}} is no parameter"
        );
        ensure!(
            placeholder != PROJECT_PLACEHOLDER || !names.contains(&placeholder),
            "{{project}} names the call context's project, so no parameter may be called project"
        );
    }
    Ok(())
}
