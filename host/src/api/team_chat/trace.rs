//! The trace of team chat (TC-10), for site admins: every message written, edited or
//! deleted, searched by user, chat, issue and time range, and exported as JSON or CSV. The
//! plugin finds the entries; these routes page through them and write the file.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::caller::SignedIn;
use crate::api::context::ApiContext;
use crate::api::error::{ApiError, ApiErrors, ApiQuery, ApiResult};
use crate::contract::exports::helpdesk::chat::team_chat::{TraceEntry, TracePage, TraceQuery};
use crate::runtime::Access::Read;

/// The most entries one export holds; a larger trace is exported in time ranges.
pub const MAX_EXPORT: usize = 100_000;

/// The trace routes.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(search_trace))
        .routes(routes!(export_trace))
}

/// `GET /team-chat/trace` and `GET /team-chat/trace/export` query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TraceParams {
    /// Entries where this user wrote the message or acted on it.
    pub user: Option<String>,
    /// Entries of this chat.
    pub chat: Option<String>,
    /// Entries of this issue's chat.
    pub issue: Option<String>,
    /// At or after this time (milliseconds since the epoch).
    pub since: Option<u64>,
    /// Before this time (milliseconds since the epoch).
    pub until: Option<u64>,
    /// The cursor of the previous page (search only).
    pub before: Option<String>,
    /// Entries per page, 1 to 500 (default 100; search only).
    pub limit: Option<u32>,
    /// `json` (the default) or `csv` (export only).
    pub format: Option<String>,
}

impl TraceParams {
    fn query(&self) -> TraceQuery {
        TraceQuery {
            user: self.user.clone().filter(|user| !user.is_empty()),
            chat: self.chat.clone().filter(|chat| !chat.is_empty()),
            issue: self.issue.clone().filter(|issue| !issue.is_empty()),
            since: self.since,
            until: self.until,
        }
    }
}

/// The trace of team chat, newest first: every message written, edited or deleted, with
/// who, when and where (TC-10); site admins only.
#[utoipa::path(get, path = "/team-chat/trace", tag = "team-chat", params(TraceParams),
    responses((status = OK, body = TracePage), ApiErrors))]
async fn search_trace(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiQuery(params): ApiQuery<TraceParams>,
) -> ApiResult<Json<TracePage>> {
    let query = params.query();
    api.call(Read, caller.context(None), move |plugin, store, ctx| {
        plugin.helpdesk_chat_team_chat().call_search_trace(
            store,
            ctx,
            &query,
            params.before.as_deref(),
            params.limit.unwrap_or(100),
        )
    })
    .await
    .map(Json)
}

/// The whole trace that matches, as a file to download: JSON (an array of entries) or CSV
/// (one row per entry, times in UTC), newest first, at most 100,000 entries (the answer
/// says `X-Export-Truncated: true` when there were more); site admins only (TC-10).
#[utoipa::path(get, path = "/team-chat/trace/export", tag = "team-chat", params(TraceParams),
    responses((status = OK, description = "The file: JSON (an array of entries) or CSV.",
        content((Vec<TraceEntry> = "application/json"), (String = "text/csv"))), ApiErrors))]
async fn export_trace(
    State(api): State<ApiContext>,
    SignedIn { caller, .. }: SignedIn,
    ApiQuery(params): ApiQuery<TraceParams>,
) -> ApiResult<Response> {
    let csv = match params.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return Err(ApiError::Invalid(format!("format: json or csv, not {other:?}"))),
    };
    let query = params.query();
    let mut entries: Vec<TraceEntry> = Vec::new();
    let mut before: Option<String> = None;
    let truncated = loop {
        let (query, cursor) = (query.clone(), before.clone());
        let page = api
            .call(Read, caller.context(None), move |plugin, store, ctx| {
                plugin
                    .helpdesk_chat_team_chat()
                    .call_search_trace(store, ctx, &query, cursor.as_deref(), 500)
            })
            .await?;
        entries.extend(page.entries);
        if entries.len() >= MAX_EXPORT {
            let dropped = entries.len() > MAX_EXPORT;
            entries.truncate(MAX_EXPORT);
            break dropped || page.cursor.is_some();
        }
        match page.cursor {
            Some(next) => before = Some(next),
            None => break false,
        }
    };
    let (body, content_type, extension) = if csv {
        (trace_csv(&entries)?, "text/csv; charset=utf-8", "csv")
    } else {
        (
            serde_json::to_vec(&entries).map_err(|err| ApiError::Internal(err.into()))?,
            "application/json",
            "json",
        )
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"team-chat-trace.{extension}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if truncated {
        headers.insert("x-export-truncated", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The entries as CSV with a header row, times in UTC (RFC 3339); the `csv` crate quotes
/// what needs quoting (commas, quotes and line breaks in message texts). Every cell is
/// kept from being read as a formula by spreadsheets (see [`spreadsheet_safe`]): not only
/// texts people wrote, but ids too, which may start with `-` or `@`.
fn trace_csv(entries: &[TraceEntry]) -> Result<Vec<u8>, ApiError> {
    let failed = |err: csv::Error| ApiError::Internal(err.into());
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "at", "action", "chat", "kind", "place", "issue", "seq", "author", "actor", "body",
        ])
        .map_err(failed)?;
    for entry in entries {
        let at = chrono::DateTime::from_timestamp_millis(entry.at as i64)
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        let cells = [
            at,
            wit_name(&entry.action),
            entry.chat.clone(),
            wit_name(&entry.kind),
            entry.place.clone(),
            entry.issue.clone().unwrap_or_default(),
            entry.seq.to_string(),
            entry.author.clone(),
            entry.actor.clone(),
            entry.body.clone(),
        ];
        writer
            .write_record(cells.iter().map(|cell| spreadsheet_safe(cell)))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("writing the CSV: {err}")))
}

/// A text a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return, as "@bob" does) gets a leading `'`, as OWASP advises for CSV
/// exports; every other text is unchanged.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// An enum case by its WIT name, from the contract's one JSON form.
fn wit_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|json| json.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tc_10_texts_are_exported_so_no_spreadsheet_runs_them() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(spreadsheet_safe("@bob look"), "'@bob look");
        assert_eq!(spreadsheet_safe("-5 degrees"), "'-5 degrees");
        assert_eq!(spreadsheet_safe("Deploy at 5"), "Deploy at 5");
    }

    #[test]
    fn tc_10_ids_in_the_export_are_kept_from_spreadsheets_too() {
        use crate::contract::exports::helpdesk::chat::team_chat::{ChatKind, TraceAction};
        let entry = TraceEntry {
            at: 1_700_000_000_000,
            action: TraceAction::Deleted,
            chat: "room-1".into(),
            kind: ChatKind::Room,
            place: "Ops".into(),
            issue: None,
            seq: 3,
            author: "-cmd|calc".into(),
            actor: "@admin".into(),
            body: "fine".into(),
        };
        let csv = String::from_utf8(trace_csv(&[entry]).unwrap()).unwrap();
        let row = csv.lines().nth(1).unwrap();
        assert!(row.contains(",'-cmd|calc,'@admin,fine"), "{row}");
    }
}
