//! The edge notation: read from the WIT, checked against each function, turned into routes.

use std::path::Path;

use crate::Contract;
use crate::edges::{Access, Audience, Method};

fn contract() -> Contract {
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Contract::load(&[&wit], "helpdesk:chat/chat-plugin").unwrap()
}

/// A one-interface contract whose function `f` carries `docs` and `signature`.
fn tiny(docs: &str, signature: &str) -> anyhow::Result<Vec<crate::edges::Edge>> {
    let dir = tempdir();
    let docs: String = docs.lines().map(|line| format!("    /// {line}\n")).collect();
    std::fs::write(
        dir.join("tiny.wit"),
        format!(
            "package test:tiny@0.1.0;\n\n/// Types.\ninterface types {{\n    /// A context.\n    record call-context {{\n        /// Who.\n        actor: string,\n    }}\n    /// An error.\n    variant error {{\n        /// Not found.\n        not-found(string),\n    }}\n}}\n\n/// The feature.\ninterface feature {{\n    use types.{{call-context, error}};\n\n{docs}    f: func({signature}) -> result<string, error>;\n}}\n\n/// The world.\nworld tiny {{\n    export feature;\n}}\n"
        ),
    )
    .unwrap();
    Contract::load(&[&dir], "test:tiny/tiny")?.edges()
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wit-codegen-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn pl_9_every_export_says_whether_it_writes_and_a_get_only_reads() {
    let edges = contract().edges().unwrap();
    assert!(edges.len() > 60, "{} exports", edges.len());
    let bound: Vec<_> = edges.iter().filter(|edge| edge.http.is_some()).collect();
    assert!(bound.len() > 50, "{} bound", bound.len());
    for edge in &bound {
        let http = edge.http.as_ref().unwrap();
        if http.method == Method::Get {
            assert_eq!(edge.access, Access::Read, "{}.{}", edge.interface, edge.function);
        }
    }
    let typing = edges.iter().find(|edge| edge.function == "typing").unwrap();
    let http = typing.http.as_ref().unwrap();
    assert_eq!(
        (http.method, http.audience, http.limit.as_deref(), typing.access),
        (Method::Post, Audience::Anyone, Some("typing"), Access::Write)
    );
    assert_eq!(http.placeholders(), vec!["conversation"]);
    assert_eq!(
        typing.param_doc("conversation"),
        Some("The conversation's id (for example `c42`)."),
        "an interface's @param serves every function of it"
    );
    assert!(!typing.docs.contains('@'), "the notation is not part of the docs");
    let authorize = edges.iter().find(|edge| edge.function == "authorize").unwrap();
    assert_eq!((authorize.access, authorize.http.is_none()), (Access::Read, true));
}

#[test]
fn pl_9_an_edge_that_does_not_fit_its_function_is_refused_in_words() {
    let ok = tiny(
        "Gets.\n@read\n@http get /things/{thing}\n@param thing The thing.",
        "ctx: call-context, thing: string",
    )
    .unwrap();
    assert_eq!(ok[0].http.as_ref().unwrap().path, "/things/{thing}");
    for (docs, signature, says) in [
        ("Gets.", "ctx: call-context", "neither @read nor @write"),
        ("Gets.\n@read\n@write", "ctx: call-context", "more than once"),
        (
            "Gets.\n@write\n@http get /x",
            "ctx: call-context",
            "a get must only read",
        ),
        (
            "Gets.\n@read\n@http get /x/{y}",
            "ctx: call-context",
            "{y} is no parameter",
        ),
        ("Gets.\n@read\n@http fetch /x", "ctx: call-context", "needs a method"),
        ("Gets.\n@read\n@http get x", "ctx: call-context", "must start with /"),
        (
            "Gets.\n@read\n@http get /x everyone",
            "ctx: call-context",
            "unknown option",
        ),
        ("Gets.\n@read\n@cache 5", "ctx: call-context", "unknown notation @cache"),
        (
            "Gets.\n@read\n@param z Zed.",
            "ctx: call-context",
            "@param z is no parameter",
        ),
        (
            "Gets.\n@read\n@http get /x",
            "thing: string",
            "call context as the first parameter",
        ),
        (
            "Gets.\n@read\n@http get /p/{project}",
            "ctx: call-context, project: string",
            "no parameter may be called project",
        ),
    ] {
        let err = tiny(docs, signature).unwrap_err();
        assert!(format!("{err:#}").contains(says), "{docs:?}: {err:#}");
    }
}

#[test]
fn pl_9_routes_are_generated_for_every_binding() {
    let contract = contract();
    let routes = contract
        .http_routes("live-chat", "crate::contract", "crate::api::generated_route_support")
        .unwrap();
    assert!(routes.contains("use crate::api::generated_route_support::*;"));
    assert!(routes.contains("pub async fn post_message("));
    assert!(routes.contains("#[utoipa::path(post, path = \"/chat/conversations/{conversation}/typing\""));
    assert!(routes.contains("api.limits.check(Frequent::Typing, &caller.requester())?;"));
    assert!(routes.contains("caller.in_project(&path.project)"));
    assert!(routes.contains("call_email_transcript(store, ctx, &path.conversation, body.email.as_deref())"));
    assert!(
        routes.contains("Ok(StatusCode::NO_CONTENT)"),
        "result<_, error> answers 204"
    );
    assert!(
        routes.contains("`not_found`"),
        "errors are named as the API spells them"
    );
    assert!(
        !routes.contains("may_log_in_through_widget"),
        "unbound functions get no route"
    );
    let presence = contract.http_routes("presence", "crate::contract", "support").unwrap();
    assert!(
        presence.contains("let filter = crate::contract::exports::helpdesk::chat::presence::HistoryFilter { user: query.user.clone(), since: query.since, until: query.until };"),
        "a record parameter of a get comes from the query, field by field"
    );
    let team = contract.http_routes("team-chat", "crate::contract", "support").unwrap();
    assert!(team.contains("request_body = crate::contract::exports::helpdesk::chat::team_chat::RoomSpec"));
    assert!(
        contract.http_routes("storage", "crate::contract", "support").is_err(),
        "imports have no routes"
    );
}

#[test]
fn pl_9_each_feature_declares_its_push_events_once() {
    let contract = contract();
    let kinds = contract.event_kinds().unwrap();
    let named: Vec<(&str, &str)> = kinds.iter().map(|e| (e.interface.as_str(), e.kind.as_str())).collect();
    for expected in [
        ("presence", "presence-changed"),
        ("presence", "chat-status"),
        ("live-chat", "typing"),
        ("team-chat", "team-message"),
        ("team-chat", "lists-changed"),
    ] {
        assert!(named.contains(&expected), "{expected:?} in {named:?}");
    }
    let plugin = contract
        .event_impls("crate::bindings", "crate::publish::StreamEvent")
        .unwrap();
    assert!(plugin.contains(
        "impl crate::publish::StreamEvent for crate::bindings::exports::helpdesk::chat::team_chat::TeamChatEvent"
    ));
    assert!(plugin.contains("Self::TeamMessage(_) => \"team-message\","));
    assert!(plugin.contains("Self::TeamMessage(data) => serde_json::to_string(data),"));
    let host = contract.stream_events_table("crate::contract").unwrap();
    assert!(
        host.contains("<crate::contract::exports::helpdesk::chat::live_chat::TypingEvent as utoipa::ToSchema>::name()"),
        "{host}"
    );
    assert!(host.contains(r##"("team-message", "team-chat", "##), "{host}");
    assert!(
        host.contains(r##"Some("{\"$ref\":\"#/components/schemas/TeamMessage\"}")"##),
        "{host}"
    );
    assert!(
        host.contains(r#"Some("{\"type\":[\"string\",\"null\"]}")"#),
        "lists-changed carries an optional id"
    );
    let pages = contract.javascript_events().unwrap();
    assert!(pages.contains("teamChat: Object.freeze({"), "{pages}");
    assert!(pages.contains("teamMessage: \"team-message\","), "{pages}");
}

#[test]
fn pl_11_every_export_is_callable_by_name_and_described_for_a_second_host() {
    let contract = contract();
    let calls = contract
        .calls_by_name("crate::contract", "Plugin", "Store", "Ctx", "Error")
        .unwrap();
    assert!(calls.contains("\"presence.go-online\" => {"), "{calls}");
    assert!(
        calls.contains("let a1: bool = argument(args, \"all-projects\")?;"),
        "{calls}"
    );
    assert!(calls.contains("plugin.helpdesk_chat_presence().call_go_online(&mut *store, ctx, a1, a2)?"));
    assert!(
        calls.contains("\"presence.go-online\" => Some(true),"),
        "writes, from the edge"
    );
    assert!(calls.contains("\"presence.chat-status\" => Some(false),"));
    assert!(
        calls.contains("\"lifecycle.manifest\" => {"),
        "functions without a context too"
    );
    let described: serde_json::Value = serde_json::from_str(&contract.signatures_json().unwrap()).unwrap();
    let go_online = &described["functions"]["presence.go-online"];
    assert_eq!(go_online["writes"], true);
    assert_eq!(
        go_online["params"][2],
        serde_json::json!({ "name": "duration-minutes", "type": { "option": "u32" } })
    );
    assert_eq!(
        go_online["result"]["result"]["ok"],
        serde_json::json!({ "named": "presence/change-outcome" })
    );
    assert_eq!(described["types"]["types/actor"]["kind"], "variant");
    assert_eq!(described["types"]["presence/weekday"]["cases"][0], "monday");
}
