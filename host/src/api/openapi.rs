//! The OpenAPI document describing this API (SPEC PL-7), generated from the handlers'
//! annotations and the WIT records' generated schemas: nothing in it is written twice.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Server, security::SecurityRequirement};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::{SESSION_COOKIE, VISITOR_HEADER};
use super::context::ApiContext;
use super::error::{ApiErrors, ErrorBody, ErrorDetail};
use crate::contract::exports::helpdesk::chat::live_chat::InboxView;

/// The document's frame: what it is, the push event payloads (which no route returns), the
/// error body, and how callers authenticate.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Helpdesk chat API",
        description = "Live chat, agent presence and team chat for an issue tracker. Every chat, \
presence and permission answer comes from the plugin component; bodies of its records are the \
WIT contract's records. Errors carry a stable `error.code`. The push stream (`GET /stream`) \
sends the event payloads listed under components (for example `PresenceChangedEvent`, \
`TypingEvent`) and records routes return (`ChatMessage`, `Conversation`, `InboxCounts`).",
    ),
    components(schemas(ErrorBody, ErrorDetail, InboxView)),
    tags(
        (name = "auth", description = "Logging in and out."),
        (name = "directory", description = "Users, projects, roles, groups and companies."),
        (name = "presence", description = "Agent presence (PR-1 … PR-6, PR-15)."),
        (name = "live-chat", description = "Live chat with customers: widget settings, conversations, the agents' inbox (LC-1 … LC-11, PR-11)."),
        (name = "team-chat", description = "Team chat: company chats, rooms, user and issue chats, people and statuses, the trace (TC-1 … TC-10, PR-14)."),
        (name = "issues", description = "Issues and their history."),
        (name = "admin", description = "Site administration: the mail outbox."),
        (name = "push", description = "The resumable push stream."),
        (name = "testing", description = "Only on a host started with --test-clock."),
        (name = "meta", description = "This document."),
    )
)]
struct Frame;

/// The events the stream sends of its own, before or instead of the features' events.
const HOST_STREAM_EVENTS: &[(&str, &str)] = &[
    ("ready", "first on every stream: `{\"last_event_id\": <the newest id>}`"),
    (
        "reset",
        "what a resuming client missed cannot be replayed: read the state again",
    ),
];

/// The features' push events, generated from each feature's `<interface>-event` variant.
mod feature_events {
    include!(concat!(env!("OUT_DIR"), "/stream_events.rs"));
}
pub use feature_events::STREAM_EVENTS;

/// Writes every event the stream sends into the document, as `x-events` on `GET /stream`
/// (its name, the feature that sends it, what it says and on which topics, the schema of its
/// `data`), so a client learns every event and its payload from the document itself.
pub fn describe_stream_events(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in feature_events::event_schemas() {
        components.schemas.entry(name).or_insert(schema);
    }
    let mut events = serde_json::Map::new();
    for (name, topics) in HOST_STREAM_EVENTS {
        events.insert(
            name.to_string(),
            serde_json::json!({ "topics": topics, "feature": "stream" }),
        );
    }
    for (name, feature, topics, schema) in STREAM_EVENTS {
        let mut event = serde_json::json!({ "topics": topics, "feature": feature });
        if let Some(schema) = schema.and_then(|schema| serde_json::from_str::<serde_json::Value>(schema).ok()) {
            event["data"] = schema;
        }
        events.insert(name.to_string(), event);
    }
    if let Some(get) = doc.paths.paths.get_mut("/stream").and_then(|item| item.get.as_mut()) {
        let extensions = utoipa::openapi::extensions::ExtensionsBuilder::new()
            .add("x-events", serde_json::Value::Object(events))
            .build();
        get.extensions.get_or_insert_with(Default::default).merge(extensions);
    }
}

/// Every operation of the document.
fn operations_mut(doc: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
    })
}

/// Makes the document what OpenAPI requires whatever the handlers' annotations left out:
/// every response gets a description (the status in words and what the body is, `OK: a
/// Conversation`), and an operation id two handlers share (`messages` in live chat and in
/// team chat) is prefixed with each operation's tag (`live_chat_messages`), so a route added
/// tomorrow cannot make the document invalid.
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    let mut uses: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for operation in operations_mut(doc) {
        if let Some(id) = &operation.operation_id {
            *uses.entry(id.clone()).or_default() += 1;
        }
    }
    for operation in operations_mut(doc) {
        if let Some(id) = &operation.operation_id
            && uses.get(id).copied().unwrap_or(0) > 1
        {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|tags| tags.first())
                .cloned()
                .unwrap_or_default();
            operation.operation_id = Some(format!("{}_{id}", tag.replace('-', "_")));
        }
    }
    for operation in operations_mut(doc) {
        for (status, response) in operation.responses.responses.iter_mut() {
            let RefOr::T(response) = response else { continue };
            if !response.description.trim().is_empty() {
                continue;
            }
            let reason = status
                .parse::<u16>()
                .ok()
                .and_then(|code| axum::http::StatusCode::from_u16(code).ok())
                .and_then(|code| code.canonical_reason())
                .unwrap_or("The answer");
            let body = response.content.values().find_map(|content| match content {
                RefOr::T(content) => content.schema.as_ref().map(body_name),
                RefOr::Ref(_) => None,
            });
            response.description = match body {
                Some(body) => format!("{reason}: {body}."),
                None => format!("{reason}."),
            };
        }
    }
}

/// What a body is, in words: `a Conversation`, `a list of Conversation`.
fn body_name(schema: &utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) -> String {
    let value = serde_json::to_value(schema).unwrap_or_default();
    let named = |value: &serde_json::Value| {
        value["$ref"]
            .as_str()
            .and_then(|target| target.rsplit('/').next())
            .map(str::to_string)
    };
    if let Some(name) = named(&value) {
        return format!("a {name}");
    }
    if let Some(name) = named(&value["items"]) {
        return format!("a list of {name}");
    }
    "the answer".to_string()
}

/// The frame, with the server prefix and the ways to authenticate.
pub fn base() -> utoipa::openapi::OpenApi {
    let mut doc = Frame::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc.servers = Some(vec![Server::new("/api/v1")]);
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            SESSION_COOKIE,
            "The session cookie `POST /auth/login` sets.",
        ))),
    );
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("The token `POST /auth/login` returns, for scripts."))
                .build(),
        ),
    );
    components.add_security_scheme(
        "visitor",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            VISITOR_HEADER,
            "An anonymous widget visitor's token: any 20 to 100 URL-safe characters the visitor's \
             browser keeps; the same token is the same visitor.",
        ))),
    );
    // Every route takes a session, a bearer token, a visitor token, or nothing; each says
    // what it needs in its description and answers 401 when a login is missing.
    doc.security = Some(vec![
        SecurityRequirement::new("session", Vec::<String>::new()),
        SecurityRequirement::new("bearer", Vec::<String>::new()),
        SecurityRequirement::new("visitor", Vec::<String>::new()),
        SecurityRequirement::default(),
    ]);
    doc
}

/// The route serving the document.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(document))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = OK, description = "The OpenAPI 3.1 document of this API.", content_type = "application/json"), ApiErrors))]
async fn document(State(api): State<ApiContext>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        api.openapi_json.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every `$ref` in `value`.
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }

    #[test]
    fn pl_7_every_route_is_described_with_its_schemas() {
        let (_, doc) = crate::api::router();
        let doc: Value = serde_json::to_value(&doc).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.len() >= 20, "{} paths", paths.len());
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                let name = format!("{method} {path}");
                let described = operation["description"].as_str().or(operation["summary"].as_str());
                assert!(
                    described.is_some_and(|d| !d.trim().is_empty()),
                    "{name} has no description"
                );
                let responses = operation["responses"].as_object().unwrap();
                assert_eq!(
                    responses
                        .get("default")
                        .map(|r| &r["content"]["application/json"]["schema"]["$ref"]),
                    Some(&Value::from("#/components/schemas/ErrorBody")),
                    "{name} documents its errors"
                );
                let success = responses
                    .iter()
                    .find(|(status, _)| status.starts_with('2'))
                    .unwrap_or_else(|| panic!("{name} has no success response"));
                let bodiless = success.0 == "204" || path == "/openapi.json";
                if !bodiless {
                    let content = success.1["content"]
                        .as_object()
                        .unwrap_or_else(|| panic!("{name}: no body"));
                    assert!(
                        content.values().all(|media| media["schema"].is_object()),
                        "{name}: its answer has no schema"
                    );
                }
                if let Some(body) = operation.get("requestBody") {
                    assert!(
                        body["content"]["application/json"]["schema"].is_object(),
                        "{name}: request body"
                    );
                }
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for target in found {
            let name = target.strip_prefix("#/components/schemas/").unwrap_or(&target);
            assert!(schemas.contains_key(name), "{target} is not described");
        }
        for name in [
            "ProjectPresenceView",
            "ChangeCause",
            "PresenceChangedEvent",
            "ChatStatusEvent",
            "User",
        ] {
            let schema = &schemas[name];
            assert!(
                schema["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{name} has the WIT docs"
            );
        }
    }

    #[test]
    fn pl_7_every_response_has_a_description_and_parameters_are_where_they_say() {
        let (_, doc) = crate::api::router();
        let doc: Value = serde_json::to_value(&doc).unwrap();
        let mut checked = 0;
        let mut ids = std::collections::HashSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let template: Vec<&str> = path
                .split('/')
                .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
                .collect();
            for (method, operation) in item.as_object().unwrap() {
                let name = format!("{method} {path}");
                for (status, response) in operation["responses"].as_object().unwrap() {
                    let described = response["description"].as_str().or_else(|| response["$ref"].as_str());
                    assert!(
                        described.is_some_and(|d| !d.trim().is_empty()),
                        "{name} {status} has no description"
                    );
                }
                let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
                let in_path: Vec<&str> = parameters
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap())
                    .collect();
                for parameter in &in_path {
                    assert!(
                        template.contains(parameter),
                        "{name}: path parameter {parameter} is not in the path"
                    );
                }
                for variable in &template {
                    assert!(in_path.contains(variable), "{name}: {{{variable}}} is not described");
                }
                for parameter in &parameters {
                    assert!(
                        parameter["in"] != "query"
                            || parameter["required"] != true
                            || parameter["schema"]["type"] == "array",
                        "{name}: query parameter {} should not be required",
                        parameter["name"]
                    );
                }
                let id = operation["operationId"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{name}: no operation id"));
                assert!(ids.insert(id.to_string()), "{name}: operation id {id} is used twice");
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked} operations");
        let messages = &doc["paths"]["/chat/conversations/{conversation}/messages"]["get"]["parameters"];
        let limit = messages
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap();
        assert_eq!(
            (limit["in"].as_str(), limit["required"].as_bool()),
            (Some("query"), Some(false))
        );
    }

    #[test]
    fn pl_7_wit_records_have_their_one_json_form_in_the_document() {
        let (_, doc) = crate::api::router();
        let doc: Value = serde_json::to_value(&doc).unwrap();
        let cause = &doc["components"]["schemas"]["ChangeCause"];
        assert_eq!(
            cause["enum"],
            serde_json::json!([
                "manual",
                "schedule",
                "duration-ended",
                "inactivity",
                "admin",
                "force-logout"
            ])
        );
        let view = &doc["components"]["schemas"]["ProjectPresenceView"];
        assert!(view["properties"]["online_count"].is_object());
        assert!(
            view["required"]
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("more_online"))
        );
    }
}
