//! The push events each feature declares (SPEC PL-9): the variant `<interface>-event` of an
//! exported interface, one case per event kind, its payload the event's data. From it come
//! the plugin's typed publishing (kind and JSON data of a case), the host's table of stream
//! events for the OpenAPI document, and the pages' constants of event kinds; the kinds are
//! spelt nowhere else.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use wit_parser::{Type, TypeDefKind, TypeId, WorldItem};

use crate::{Contract, GENERATED_HEADER, doc_text, lower_camel, upper_camel};

/// One kind of push event.
#[derive(Debug, Clone)]
pub struct EventKind {
    /// The interface that publishes it (for example `team-chat`).
    pub interface: String,
    /// Its kind on the stream (for example `team-message`).
    pub kind: String,
    /// What it says, and on which topics.
    pub docs: String,
    /// The type of its data; `None` for an event without data.
    pub payload: Option<Type>,
}

impl Contract {
    /// The event variant of each exported interface that has one, with the interface's
    /// name: `(interface, variant)`.
    fn event_variants(&self) -> Vec<(String, TypeId)> {
        let world = &self.resolve.worlds[self.world];
        world
            .exports
            .values()
            .filter_map(|item| match item {
                WorldItem::Interface { id, .. } => Some(*id),
                _ => None,
            })
            .filter_map(|id| {
                let interface = &self.resolve.interfaces[id];
                let name = interface.name.clone()?;
                let variant = *interface.types.get(&format!("{name}-event"))?;
                Some((name, variant))
            })
            .collect()
    }

    /// Every event kind the features declare, feature by feature.
    pub fn event_kinds(&self) -> Result<Vec<EventKind>> {
        let mut kinds = Vec::new();
        for (interface, variant) in self.event_variants() {
            let TypeDefKind::Variant(cases) = &self.resolve.types[variant].kind else {
                bail!("{interface}-event must be a variant");
            };
            for case in &cases.cases {
                if kinds.iter().any(|known: &EventKind| known.kind == case.name) {
                    bail!("the event kind {} is declared twice", case.name);
                }
                kinds.push(EventKind {
                    interface: interface.clone(),
                    kind: case.name.clone(),
                    docs: doc_text(&case.docs),
                    payload: case.ty,
                });
            }
        }
        Ok(kinds)
    }

    /// For the plugin: `impl <event_trait> for` each event variant, naming a case's kind
    /// (`fn kind(&self) -> &'static str`) and giving its data as JSON
    /// (`fn data(&self) -> serde_json::Result<String>`, `null` for a case without data).
    pub fn event_impls(&self, bindings: &str, event_trait: &str) -> Result<String> {
        let mut out = String::from(GENERATED_HEADER);
        for (interface, variant) in self.event_variants() {
            let named = self.named(variant).context("an event variant outside the world")?;
            let TypeDefKind::Variant(cases) = &self.resolve.types[variant].kind else {
                bail!("{interface}-event must be a variant");
            };
            let (mut kinds, mut data) = (String::new(), String::new());
            for case in &cases.cases {
                let name = upper_camel(&case.name);
                let pattern = if case.ty.is_some() { "(_)" } else { "" };
                writeln!(kinds, "            Self::{name}{pattern} => {:?},", case.name)?;
                match case.ty {
                    Some(_) => writeln!(data, "            Self::{name}(data) => serde_json::to_string(data),")?,
                    None => writeln!(data, "            Self::{name} => Ok(\"null\".to_string()),")?,
                }
            }
            writeln!(
                out,
                "impl {event_trait} for {bindings}::{} {{\n    fn kind(&self) -> &'static str {{\n        match self {{\n{kinds}        }}\n    }}\n\n    fn data(&self) -> serde_json::Result<String> {{\n        match self {{\n{data}        }}\n    }}\n}}\n",
                named.rust_path
            )?;
        }
        Ok(out)
    }

    /// For the host: `pub const STREAM_EVENTS: &[(&str, &str, &str, Option<&str>)]`, each
    /// event's kind, feature, docs and the JSON schema of its data; and `pub fn
    /// event_schemas()`, the OpenAPI schemas of the records events carry (types below
    /// `bindings`), for the document's components.
    pub fn stream_events_table(&self, bindings: &str) -> Result<String> {
        let mut out = String::from(GENERATED_HEADER);
        let mut payloads = std::collections::BTreeSet::new();
        for event in self.event_kinds()? {
            if let Some(Type::Id(id)) = event.payload.map(|ty| self.unalias(ty))
                && let Some(named) = self.named(id)
            {
                payloads.insert(named.rust_path.clone());
            }
        }
        out.push_str(
            "/// The OpenAPI schemas of the records push events carry, and of the records they hold.
pub fn event_schemas() -> Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)> {
    let mut schemas = Vec::new();
",
        );
        for path in payloads {
            let path = format!("{bindings}::{path}");
            writeln!(
                out,
                "    schemas.push((<{path} as utoipa::ToSchema>::name().into_owned(), <{path} as utoipa::PartialSchema>::schema()));
    <{path} as utoipa::ToSchema>::schemas(&mut schemas);"
            )?;
        }
        out.push_str(
            "    schemas
}

",
        );
        out.push_str(
            "/// Every push event the features declare: its kind, its feature, what it says and on\n/// which topics, and the JSON schema of its data (`None` for none).\npub const STREAM_EVENTS: &[(&str, &str, &str, Option<&str>)] = &[\n",
        );
        for event in self.event_kinds()? {
            let schema = match event.payload {
                Some(ty) => format!("Some({:?})", self.data_schema(ty)?),
                None => "None".to_string(),
            };
            writeln!(
                out,
                "    ({:?}, {:?}, {:?}, {schema}),",
                event.kind, event.interface, event.docs
            )?;
        }
        out.push_str("];\n");
        Ok(out)
    }

    /// The JSON schema of an event's data: a reference to a record's schema, or a string.
    fn data_schema(&self, ty: Type) -> Result<String> {
        Ok(match self.unalias(ty) {
            Type::String => r#"{"type":"string"}"#.to_string(),
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Option(inner) if self.unalias(*inner) == Type::String => {
                    r#"{"type":["string","null"]}"#.to_string()
                }
                TypeDefKind::Record(_) | TypeDefKind::Enum(_) | TypeDefKind::Variant(_) => {
                    let named = self.named(id).context("an event's data outside the world")?;
                    format!(r##"{{"$ref":"#/components/schemas/{}"}}"##, named.schema_name)
                }
                other => bail!("an event's data may be a record or a string, not {}", other.as_str()),
            },
            _ => bail!("an event's data may be a record or a string"),
        })
    }

    /// For the pages: `export const events`, per feature the kinds of its events by name
    /// (`events.teamChat.teamMessage === 'team-message'`).
    pub fn javascript_events(&self) -> Result<String> {
        let mut features: Vec<(String, Vec<String>)> = Vec::new();
        for event in self.event_kinds()? {
            let feature = lower_camel(&event.interface);
            let entry = format!("    {}: {:?},", lower_camel(&event.kind), event.kind);
            match features.iter_mut().find(|(name, _)| *name == feature) {
                Some((_, entries)) => entries.push(entry),
                None => features.push((feature, vec![entry])),
            }
        }
        let mut out = String::from(
            "/** The kinds of the push events, per feature, as the WIT declares them. */\nexport const events = Object.freeze({\n",
        );
        for (feature, entries) in features {
            writeln!(out, "  {feature}: Object.freeze({{\n{}\n  }}),", entries.join("\n"))?;
        }
        out.push_str("});\n");
        Ok(out)
    }
}
