//! A project's widget settings (LC-1 … LC-8), and the rule every widget call passes: the
//! calling page must be one the project allows (LC-1, LC-2, LC-3).

use helpdesk_text_policy::{TextRule, text};

use super::keys;
use crate::bindings::exports::helpdesk::chat::live_chat::WidgetSettings;
use crate::bindings::helpdesk::chat::types::{CallContext, PageOrigin};
use crate::capabilities::{Clock, Directory, Storage, Wake};
use crate::error::{PluginError, PluginResult};
use crate::permissions::{require_actor, require_project};
use crate::storage::{get_json, put_json};

/// The most allowed web sites per project.
pub const MAX_SITES: usize = 50;
/// The most groups whose members may not log in through the widget.
pub const MAX_BLOCKED_GROUPS: usize = 100;

/// The widget's texts (welcome messages, the greeting): one paragraph each.
pub const WIDGET_TEXT: TextRule = TextRule {
    field: "welcome_override",
    max_chars: 500,
    multiline: true,
};

/// What a project that never saved settings has: the chat on the customer portal, open to
/// visitors who have not logged in, and on no other site.
pub fn defaults() -> WidgetSettings {
    WidgetSettings {
        portal: true,
        external: false,
        allowed_sites: Vec::new(),
        anonymous: true,
        registration: false,
        login_blocked_groups: Vec::new(),
        welcome_override: None,
        greeting: None,
        retention_days: None,
    }
}

/// The project's settings as stored, or the defaults.
pub fn load(storage: &mut impl Storage, project: &str) -> PluginResult<WidgetSettings> {
    Ok(get_json(storage, &keys::settings(project))?.unwrap_or_else(defaults))
}

/// The context project's settings, for its project admins and site admins.
pub fn widget_settings<H: Directory + Storage>(host: &mut H, ctx: &CallContext) -> PluginResult<WidgetSettings> {
    let project = require_project_admin(host, ctx)?;
    load(host, &project)
}

/// Checks, normalizes and stores the context project's settings.
pub fn save_widget_settings<H: Clock + Directory + Storage + Wake>(
    host: &mut H,
    ctx: &CallContext,
    settings: WidgetSettings,
) -> PluginResult<WidgetSettings> {
    let project = require_project_admin(host, ctx)?;
    let settings = checked(host, settings)?;
    put_json(host, &keys::settings(&project), &settings)?;
    if settings.retention_days.is_some() {
        // What the new retention makes due goes at once; the sweep plans the rest.
        super::retention_plan::plan_sweep(host, &project, host.now())?;
    }
    Ok(settings)
}

fn checked(directory: &impl Directory, settings: WidgetSettings) -> PluginResult<WidgetSettings> {
    if settings.allowed_sites.len() > MAX_SITES {
        return Err(PluginError::Invalid(format!("allowed_sites: at most {MAX_SITES}")));
    }
    let mut allowed_sites = Vec::with_capacity(settings.allowed_sites.len());
    for site in &settings.allowed_sites {
        let origin = site_origin(site)?;
        if !allowed_sites.contains(&origin) {
            allowed_sites.push(origin);
        }
    }
    if settings.login_blocked_groups.len() > MAX_BLOCKED_GROUPS {
        return Err(PluginError::Invalid(format!(
            "login_blocked_groups: at most {MAX_BLOCKED_GROUPS}"
        )));
    }
    let mut login_blocked_groups = Vec::new();
    for group in &settings.login_blocked_groups {
        if !directory.group_exists(group) {
            return Err(PluginError::Invalid(format!(
                "login_blocked_groups: no group {group:?}"
            )));
        }
        if !login_blocked_groups.contains(group) {
            login_blocked_groups.push(group.clone());
        }
    }
    let optional_text = |value: Option<String>, field: &'static str| -> PluginResult<Option<String>> {
        match value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => text(value, TextRule { field, ..WIDGET_TEXT })
                .map(Some)
                .map_err(PluginError::Invalid),
        }
    };
    if let Some(days) = settings.retention_days
        && !(1..=super::retention_plan::MAX_RETENTION_DAYS).contains(&days)
    {
        return Err(PluginError::Invalid(format!(
            "retention_days: from 1 to {} days, or none to keep conversations; not {days}",
            super::retention_plan::MAX_RETENTION_DAYS
        )));
    }
    Ok(WidgetSettings {
        allowed_sites,
        login_blocked_groups,
        welcome_override: optional_text(settings.welcome_override, "welcome_override")?,
        greeting: optional_text(settings.greeting, "greeting")?,
        ..settings
    })
}

/// An allowed web site as the origin a browser would send for its pages: `http` or `https`,
/// a host, an optional port, nothing after. International names become punycode, the host
/// lower case, and a default port disappears, so that comparing is exact.
pub fn site_origin(site: &str) -> PluginResult<String> {
    let refuse = |why: &str| PluginError::Invalid(format!("allowed_sites: {site:?} {why}"));
    let trimmed = site.trim().trim_end_matches('/');
    let url = url::Url::parse(trimmed).map_err(|err| refuse(&format!("is no web address ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("must start with http:// or https://"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not hold a user name or password"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("must be an origin only: scheme, host and port, no path"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(refuse("has no host"));
    }
    if url.host_str().is_some_and(|host| host.contains('*')) {
        return Err(refuse(
            "holds a wildcard, which browsers never send: list each site's origin, such as https://shop.example.com",
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// The rule of every widget call: the calling page must be one the project allows.
pub fn require_allowed_page(settings: &WidgetSettings, ctx: &CallContext) -> PluginResult<()> {
    let refused = |why: String| Err(PluginError::AccessDenied(why));
    match &ctx.page {
        PageOrigin::Site if settings.portal => Ok(()),
        PageOrigin::Site => refused("the chat is not on this project's customer portal".into()),
        PageOrigin::External(_) if !settings.external => {
            refused("this project's chat may not be placed on other web sites".into())
        }
        PageOrigin::External(origin) if settings.allowed_sites.iter().any(|site| site == origin) => Ok(()),
        PageOrigin::External(origin) => refused(format!(
            "the web site {origin} is not allowed to show this project's chat"
        )),
        PageOrigin::Opaque => refused("a page with an opaque origin (null) may not use the chat".into()),
        PageOrigin::Unknown => refused("the request names no page origin: the chat runs in a web page".into()),
    }
}

/// Whether `user` may log in through the widget on the calling page (LC-6).
pub fn may_log_in_through_widget<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    user: &str,
) -> PluginResult<bool> {
    let (_, widget) = widget_on_page(host, ctx)?;
    if widget.login_blocked_groups.is_empty() {
        return Ok(true);
    }
    let groups = host.groups_of(user);
    Ok(!groups.iter().any(|group| widget.login_blocked_groups.contains(group)))
}

/// The context project and its widget settings, for a widget call: the project must exist
/// and have the chat somewhere (else `not-found`), and the calling page must be one it
/// allows (else `access-denied`).
pub fn widget_on_page<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
) -> PluginResult<(String, WidgetSettings)> {
    let project = require_project(host, ctx)?.to_string();
    let widget = load(host, &project)?;
    if !is_on(&widget) {
        return Err(PluginError::NotFound(format!("project {project} has no live chat")));
    }
    require_allowed_page(&widget, ctx)?;
    Ok((project, widget))
}

/// Whether the chat is anywhere at all: on the portal or on other sites.
pub fn is_on(settings: &WidgetSettings) -> bool {
    settings.portal || settings.external
}

/// The context's project, when the actor administers it or the site.
pub(super) fn require_project_admin(directory: &impl Directory, ctx: &CallContext) -> PluginResult<String> {
    let project = require_project(directory, ctx)?.to_string();
    let actor = require_actor(ctx)?;
    if crate::permissions::administers(directory, actor, &project) {
        Ok(project)
    } else {
        Err(PluginError::AccessDenied(format!(
            "only admins of {project} configure its chat widget"
        )))
    }
}
