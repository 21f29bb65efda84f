//! Who is asking, from where, in what language: the [`Caller`] of a request, from which the
//! plugin's call context is made. A session comes from `Authorization: Bearer …`, the
//! session cookie, or `access_token` in the query of a `GET` (for push streams); an anonymous widget visitor from `X-Visitor-Token` (or `visitor_token` in
//! the query, for a push stream, which cannot send headers).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use super::client_address::{client_address, forwarded_https};
use super::context::ApiContext;
use super::error::ApiError;
use crate::auth::{self, LiveSession, SessionScope};
use crate::client_network::ClientNetwork;
use crate::contract::exports::helpdesk::chat::host_events::{Activity, HostEvent};
use crate::contract::helpdesk::chat::directory::User;
use crate::contract::helpdesk::chat::types::{Actor, CallContext, PageOrigin};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hd_session";
/// The header carrying an anonymous visitor's token.
pub const VISITOR_HEADER: &str = "x-visitor-token";

/// Who is asking, and the request's origin and language.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The logged-in user, if a live session of the site came with the request.
    pub user: Option<User>,
    /// The user of a session opened in a chat widget, with the project whose widget: such a
    /// session acts as a customer in the chat and is nobody anywhere else on the site.
    pub customer: Option<(User, String)>,
    /// The session's id (of the site or of a widget).
    pub session: Option<String>,
    /// An anonymous visitor's id, when no user is logged in and a visitor token came.
    pub visitor: Option<String>,
    /// The page the request came from, as the browser said.
    pub page: PageOrigin,
    /// The languages the client accepts, best first (`Accept-Language`).
    pub languages: Vec<String>,
    /// The client's network (its IPv4 address, or its IPv6 network), for limits per client,
    /// when the server knows it (not in in-process tests).
    pub network: Option<ClientNetwork>,
    /// Whether the client reached the site over TLS (a trusted proxy says so): session
    /// cookies are then `Secure`.
    pub secure: bool,
}

impl Default for Caller {
    fn default() -> Self {
        Caller {
            user: None,
            customer: None,
            session: None,
            visitor: None,
            page: PageOrigin::Unknown,
            languages: Vec::new(),
            network: None,
            secure: false,
        }
    }
}

impl Caller {
    /// Who this caller's requests count against in the request limits.
    pub fn requester(&self) -> super::request_limits::Requester<'_> {
        let user = self.user.as_ref().or(self.customer.as_ref().map(|(user, _)| user));
        super::request_limits::Requester {
            user: user.map(|user| user.id.as_str()),
            visitor: self.visitor.as_deref(),
            network: self.network.map(|network| network.to_string()),
        }
    }

    /// The plugin's call context for this caller, in `project` if any. A widget session
    /// counts only in its own project's widget (and in the conversations it reaches there).
    pub fn context(&self, project: Option<&str>) -> CallContext {
        let customer = self
            .customer
            .as_ref()
            .filter(|(_, widget)| project.is_none_or(|project| project == widget));
        let actor = match (&self.user, customer, &self.visitor) {
            (Some(user), _, _) => Actor::User(user.id.clone()),
            (None, Some((user, _)), _) => Actor::Customer(user.id.clone()),
            (None, None, Some(visitor)) => Actor::Visitor(visitor.clone()),
            (None, None, None) => Actor::Anonymous,
        };
        CallContext {
            actor,
            project: project.map(str::to_string),
            page: self.page.clone(),
            locale: self.languages.first().cloned(),
            languages: self.languages.clone(),
            session: self.session.clone(),
            address: self.network.map(|network| network.to_string()),
        }
    }

    /// The call context in the project `key`.
    pub fn in_project(&self, key: &str) -> CallContext {
        self.context(Some(key))
    }
}

/// A caller who must be logged in: `401 unauthenticated` otherwise.
pub struct SignedIn {
    /// The whole caller, for the plugin's call context.
    pub caller: Caller,
    /// The logged-in user (also in `caller.user`), so handlers need not unwrap it.
    pub user: User,
}

impl SignedIn {
    /// The logged-in user.
    pub fn user(&self) -> &User {
        &self.user
    }
}

impl FromRequestParts<ApiContext> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &ApiContext) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let mut caller = Caller {
            page: page_origin(&parts.headers),
            languages: languages(&parts.headers),
            network: client_address(peer, &parts.headers, &api.settings.trusted_proxies)
                .map(|address| ClientNetwork::of(address, api.settings.ipv6_prefix)),
            secure: forwarded_https(peer, &parts.headers, &api.settings.trusted_proxies),
            ..Caller::default()
        };
        refuse_cross_site_cookie(&parts.method, &parts.headers)?;
        let token = session_token(&parts.headers).or_else(|| query_session_token(parts));
        if let Some(token) = token {
            let now = api.site.clock.now_ms();
            let found = api
                .site
                .db
                .read(move |slot| -> Result<_, ApiError> { Ok(auth::session_user(&mut *slot.tx()?, &token, now)?) })
                .await?;
            match found {
                Some(LiveSession {
                    user,
                    id: session,
                    scope: SessionScope::Site,
                }) => {
                    let acting = !only_reads(&parts.method);
                    let id = user.id.clone();
                    caller.user = Some(user);
                    caller.session = Some(session.clone());
                    // An action (not a read) shows the person is there (PR-9).
                    if acting {
                        note_activity(api, &id, Some(&session), caller.context(None)).await;
                    }
                    return Ok(caller);
                }
                Some(LiveSession {
                    user,
                    id: session,
                    scope: SessionScope::Widget(project),
                }) => {
                    // A customer in a chat widget: no staff activity, no site rights.
                    caller.customer = Some((user, project));
                    caller.session = Some(session);
                }
                None => {}
            }
        }
        if let Some(token) = visitor_token(parts)? {
            caller.visitor = Some(auth::token_id(&token));
        }
        Ok(caller)
    }
}

impl FromRequestParts<ApiContext> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, api: &ApiContext) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, api).await?;
        if caller.user.is_none() && caller.customer.is_some() {
            return Err(ApiError::AccessDenied(
                "a session opened in a chat widget is for the chat only; log in on the site".into(),
            ));
        }
        let user = caller.user.clone().ok_or(ApiError::Unauthenticated)?;
        Ok(SignedIn { caller, user })
    }
}

/// Whether a request of this method only reads (it changes nothing, and shows no action).
fn only_reads(method: &axum::http::Method) -> bool {
    matches!(
        *method,
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    )
}

/// The header the host's own pages send with every request: a custom header, which no
/// page of another origin can add without the server's leave (CORS never grants it with
/// cookies), so a request carrying it comes from a page of this origin.
pub const OWN_PAGE_HEADER: &str = "x-requested-with";

/// A page of another origin cannot act with the session cookie (a forged request): a
/// request that changes something and whose only credential is the cookie must carry
/// [`OWN_PAGE_HEADER`], and must not come from another site. That covers pages of other
/// sites and of sibling sites under the same domain (which `SameSite=Lax` lets the cookie
/// reach), body or no body. The widget on other sites sends tokens in headers, which no
/// other page can add either, and reads are harmless.
pub fn refuse_cross_site_cookie(method: &axum::http::Method, headers: &HeaderMap) -> Result<(), ApiError> {
    let reads = only_reads(method);
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
    let cookie_only = headers.get(axum::http::header::AUTHORIZATION).is_none()
        && session_token(headers).is_some()
        && headers.get(VISITOR_HEADER).is_none();
    if reads || !cookie_only {
        return Ok(());
    }
    if cross_site {
        return Err(ApiError::AccessDenied(
            "a page of another site cannot act with this site's session cookie".into(),
        ));
    }
    if headers.get(OWN_PAGE_HEADER).is_none() {
        return Err(ApiError::AccessDenied(format!(
            "a request acting with the session cookie must come from this site's pages, which send \
             {OWN_PAGE_HEADER}; scripts send the token as Authorization: Bearer"
        )));
    }
    Ok(())
}

/// The session token in these headers, if any: `Authorization: Bearer …` first, then the cookie.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_string());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The one path where a session token may come in the query: the push stream.
const STREAM_PATH: &str = "/api/v1/stream";

/// A session token in the query (`access_token`), for the push stream only: an
/// `EventSource` cannot send headers, and a widget on another site holds a bearer token, not
/// a cookie. Everywhere else a token in a URL would end up in histories, logs and referrers,
/// so it is ignored there.
fn query_session_token(parts: &Parts) -> Option<String> {
    let path = parts.extensions.get::<axum::extract::OriginalUri>().map_or_else(
        || parts.uri.path().to_string(),
        |original| original.0.path().to_string(),
    );
    if parts.method != axum::http::Method::GET || path != STREAM_PATH {
        return None;
    }
    form_urlencoded::parse(parts.uri.query()?.as_bytes())
        .find(|(name, _)| name == "access_token")
        .map(|(_, value)| value.into_owned())
}

/// A visitor token is what `POST /visitors`-style clients make: 20 to 100 URL-safe characters.
fn is_visitor_token(token: &str) -> bool {
    (20..=100).contains(&token.len()) && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn visitor_token(parts: &Parts) -> Result<Option<String>, ApiError> {
    let from_header = parts
        .headers
        .get(VISITOR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = parts.uri.query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "visitor_token")
            .map(|(_, value)| value.into_owned())
    });
    match from_header.or(from_query) {
        None => Ok(None),
        Some(token) if is_visitor_token(&token) => Ok(Some(token)),
        Some(_) => Err(ApiError::Invalid(
            "visitor token: 20 to 100 letters, digits, '-' or '_'".into(),
        )),
    }
}

/// Where the request came from, as the browser said. Browsers set `Origin` and
/// `Sec-Fetch-Site` themselves and no page script can change them: `Sec-Fetch-Site:
/// same-origin` marks the host's own pages (a same-origin `GET` carries no `Origin`), and an
/// `Origin` is serialized as a URL parser does (punycode, lower case, no default port), so
/// the plugin compares it exactly.
fn page_origin(headers: &HeaderMap) -> PageOrigin {
    let same_origin = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("same-origin"));
    if same_origin {
        return PageOrigin::Site;
    }
    let Some(origin) = headers.get(axum::http::header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return PageOrigin::Unknown;
    };
    let origin = origin.trim();
    if origin == "null" {
        return PageOrigin::Opaque;
    }
    if origin.len() > 256 {
        return PageOrigin::Unknown;
    }
    // Browsers send an origin alone: a path, a query, a fragment or a user name is no
    // browser's, and such a request names no page.
    match url::Url::parse(origin) {
        Ok(url)
            if url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none()
                && url.username().is_empty()
                && url.password().is_none() =>
        {
            match url.origin() {
                origin @ url::Origin::Tuple(..) => PageOrigin::External(origin.ascii_serialization()),
                url::Origin::Opaque(_) => PageOrigin::Opaque,
            }
        }
        _ => PageOrigin::Unknown,
    }
}

/// The most languages taken from one `Accept-Language`.
const MAX_LANGUAGES: usize = 8;

/// The languages of `Accept-Language`, best first (RFC 9110: by weight, in the order given
/// among equal weights), without those refused (`q=0`), the wildcard and implausible tags.
fn languages(headers: &HeaderMap) -> Vec<String> {
    let Some(header) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Vec::new();
    };
    let mut weighted: Vec<(u16, String)> = Vec::new();
    for item in header.split(',').take(32) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let plausible = !tag.is_empty()
            && tag.len() <= 35
            && tag != "*"
            && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plausible {
            continue;
        }
        // A weight from 0 to 1 with up to three decimals; a malformed one counts as 1.
        let weight = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .next()
            .and_then(|q| q.trim().parse::<f32>().ok())
            .filter(|q| (0.0..=1.0).contains(q))
            .map_or(1000, |q| (q * 1000.0).round() as u16);
        if weight > 0 && !weighted.iter().any(|(_, known)| known.eq_ignore_ascii_case(tag)) {
            weighted.push((weight, tag.to_string()));
        }
    }
    weighted.sort_by(|a, b| b.0.cmp(&a.0));
    weighted.into_iter().take(MAX_LANGUAGES).map(|(_, tag)| tag).collect()
}

/// Tells the plugin, in a write of its own before the request goes on, that the caller was
/// active (at most once a minute per user; what comes in between is held back and told
/// later with its time). A failure is logged, never the request's.
pub async fn note_activity(api: &ApiContext, user: &str, session: Option<&str>, ctx: CallContext) {
    let now = api.site.clock.now_ms();
    if !api.activity.due(user, session, now) {
        return;
    }
    tell_activity(api, user, session, now, ctx).await;
}

/// Tells the plugin of activity held back whose minute is over, with its time.
pub async fn tell_held_activity(api: &ApiContext) {
    let now = api.site.clock.now_ms();
    for held in api.activity.take_held(now) {
        let ctx = CallContext {
            actor: Actor::User(held.user.clone()),
            project: None,
            page: PageOrigin::Unknown,
            locale: None,
            languages: Vec::new(),
            session: held.session.clone(),
            address: None,
        };
        tell_activity(api, &held.user, held.session.as_deref(), held.at_ms, ctx).await;
    }
}

async fn tell_activity(api: &ApiContext, user: &str, session: Option<&str>, at_ms: i64, ctx: CallContext) {
    let event = HostEvent::Activity(Activity {
        user: user.to_string(),
        session: session.map(str::to_string),
        at: u64::try_from(at_ms).unwrap_or(0),
    });
    let plugin = api.site.plugin.clone();
    let request_id = super::error::current_request_id();
    let told = api
        .site
        .db
        .write(move |slot| plugin.tell_in(slot, &request_id, &ctx, &event))
        .await;
    if let Err(err) = told {
        tracing::warn!(error = %err, "the plugin did not take a user's activity");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn pl_1_the_context_says_who_acts_where_from_and_in_what_language() {
        let caller = Caller {
            visitor: Some("v-1".into()),
            page: page_origin(&headers(&[("origin", "HTTPS://Shop.Example:8443")])),
            languages: languages(&headers(&[("accept-language", "nb-NO,nb;q=0.9,en;q=0.8")])),
            ..Caller::default()
        };
        let ctx = caller.in_project("SUP");
        assert_eq!(ctx.actor, Actor::Visitor("v-1".into()));
        assert_eq!(ctx.page, PageOrigin::External("https://shop.example:8443".into()));
        assert_eq!(ctx.locale.as_deref(), Some("nb-NO"));
        assert_eq!(ctx.project.as_deref(), Some("SUP"));
        assert_eq!(Caller::default().context(None).actor, Actor::Anonymous);
    }

    #[test]
    fn lc_3_the_page_origin_is_what_the_browser_said_in_its_exact_form() {
        let page = |pairs: &[(&'static str, &str)]| page_origin(&headers(pairs));
        assert_eq!(page(&[("origin", "null")]), PageOrigin::Opaque);
        assert_eq!(page(&[("origin", "https://a.example/path")]), PageOrigin::Unknown);
        assert_eq!(
            page(&[("origin", "https://user:pass@shop.example")]),
            PageOrigin::Unknown,
            "no browser sends a user name in Origin"
        );
        assert_eq!(page(&[]), PageOrigin::Unknown, "no Origin: no page");
        assert_eq!(page(&[("sec-fetch-site", "same-origin")]), PageOrigin::Site);
        assert_eq!(
            page(&[("sec-fetch-site", "cross-site"), ("origin", "https://x.example")]),
            PageOrigin::External("https://x.example".into())
        );
        assert_eq!(
            page(&[("origin", "https://XN--bcher-kva.Example:443")]),
            PageOrigin::External("https://xn--bcher-kva.example".into())
        );
        assert_eq!(
            page(&[("origin", "http://127.0.0.2:80")]),
            PageOrigin::External("http://127.0.0.2".into())
        );
    }

    #[test]
    fn pl_1_odd_languages_are_left_out() {
        assert!(languages(&headers(&[("accept-language", "*")])).is_empty());
        assert!(languages(&headers(&[("accept-language", "en_US;<script>")])).is_empty());
    }

    #[test]
    fn lc_7_every_accepted_language_counts_by_its_weight() {
        let of = |value: &str| languages(&headers(&[("accept-language", value)]));
        assert_eq!(of("de;q=0.5, fr, en;q=0.8"), ["fr", "en", "de"]);
        assert_eq!(of("fi, sv;q=0, en;q=0.1"), ["fi", "en"], "q=0 is a refusal");
        assert_eq!(of("nb-NO, nb;q=0.9, *;q=0.1"), ["nb-NO", "nb"]);
        assert_eq!(of("en, EN, en;q=0.2"), ["en"], "each once");
        assert_eq!(of("a, b, c, d, e, f, g, h, i, j").len(), 8);
    }

    #[test]
    fn pl_7_bearer_tokens_win_over_the_cookie() {
        let both = headers(&[("authorization", "Bearer abc"), ("cookie", "x=1; hd_session=def")]);
        assert_eq!(session_token(&both).as_deref(), Some("abc"));
        let cookie = headers(&[("cookie", "x=1; hd_session=def")]);
        assert_eq!(session_token(&cookie).as_deref(), Some("def"));
        assert!(is_visitor_token(&auth::new_token()));
        assert!(!is_visitor_token("short"));
    }
}
