//! The REST routes of an exported interface, generated from the edges its WIT declares
//! (SPEC PL-9): for each `@http` binding an axum handler with its utoipa path, its path,
//! query and body types, its caller, request limit and read or write mode, forwarding to
//! the export; and the router that serves them. A host supplies the few items the handlers
//! use through one module (see [`Contract::http_routes`]).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Context, Result, bail, ensure};
use wit_parser::{Function, Type, TypeDefKind};

use crate::edges::{Access, Audience, Edge, Method, PROJECT_PLACEHOLDER};
use crate::{Contract, GENERATED_HEADER, rust_ident, upper_camel};

/// Where a handler finds one argument of the export.
enum Source {
    /// A field of the path.
    Path,
    /// A field of the query.
    Query,
    /// A record built inside the call from query fields of the same names.
    QueryRecord,
    /// A field of the JSON body.
    BodyField,
    /// The whole JSON body (a single record parameter).
    Body,
}

impl Contract {
    /// The routes of exported interface `interface` (for example `live-chat`): a Rust module
    /// body with a handler per `@http` edge and `pub fn generated_router()`. Types are named
    /// below `bindings` (the host's generated bindings module); the handlers use, from the
    /// module `support`: `ApiContext` (with `call(access, ctx, closure)` and `limits.check`),
    /// the extractors `Caller`, `SignedIn`, `ApiPath`, `ApiQuery`, `ApiJson` and `State`,
    /// `ApiResult`, `ApiErrors`, `Json`, `StatusCode`, `Access`, `Frequent` (one case per
    /// limit name, in upper camel case; `api.limits.check(Frequent::X, &caller.requester())`),
    /// `OpenApiRouter` and the `routes!` macro.
    pub fn http_routes(&self, interface: &str, bindings: &str, support: &str) -> Result<String> {
        let (id, exported) = self
            .interface(interface)
            .with_context(|| format!("the world has no interface {interface}"))?;
        ensure!(exported, "{interface} is imported, not exported: it has no routes");
        let accessor = self.export_accessor(id)?;
        let mut out = String::from(GENERATED_HEADER);
        writeln!(out, "#[allow(unused_imports)]\nuse {support}::*;\n")?;
        let mut handlers = Vec::new();
        let shared = crate::edges::shared_params(&self.resolve.interfaces[id].docs);
        for function in self.resolve.interfaces[id].functions.values() {
            let edge = crate::edges::parse(interface, &shared, function)?;
            if edge.http.is_none() {
                continue;
            }
            self.write_handler(&mut out, &edge, function, bindings, &accessor)
                .with_context(|| format!("generating the route of {interface}.{}", function.name))?;
            handlers.push(rust_ident(&function.name));
        }
        writeln!(
            out,
            "/// The routes of `{interface}` that its WIT binds to HTTP.\npub fn generated_router() -> OpenApiRouter<ApiContext> {{\n    OpenApiRouter::new()"
        )?;
        for handler in handlers {
            writeln!(out, "        .routes(routes!({handler}))")?;
        }
        writeln!(out, "}}")?;
        Ok(out)
    }

    /// Every exported function's edge, checked against its signature; and that no two
    /// bindings share a method and path or a generated body name.
    pub fn edges(&self) -> Result<Vec<Edge>> {
        let world = &self.resolve.worlds[self.world];
        let mut edges = Vec::new();
        for item in world.exports.values() {
            let wit_parser::WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let interface = &self.resolve.interfaces[*id];
            let name = interface.name.clone().unwrap_or_default();
            let shared = crate::edges::shared_params(&interface.docs);
            for function in interface.functions.values() {
                edges.push(crate::edges::parse(&name, &shared, function)?);
            }
        }
        let mut seen = BTreeSet::new();
        let mut bodies = BTreeSet::new();
        for edge in &edges {
            if let Some(http) = &edge.http {
                ensure!(
                    seen.insert((http.method.name(), http.path.clone())),
                    "{} {} is bound twice",
                    http.method.name(),
                    http.path
                );
                ensure!(
                    bodies.insert(upper_camel(&edge.function)),
                    "two bound functions are called {}: their generated types would clash",
                    edge.function
                );
            }
        }
        Ok(edges)
    }

    fn interface(&self, name: &str) -> Option<(wit_parser::InterfaceId, bool)> {
        let world = &self.resolve.worlds[self.world];
        let find = |items: &wit_parser::IndexMap<wit_parser::WorldKey, wit_parser::WorldItem>| {
            items.values().find_map(|item| match item {
                wit_parser::WorldItem::Interface { id, .. }
                    if self.resolve.interfaces[*id].name.as_deref() == Some(name) =>
                {
                    Some(*id)
                }
                _ => None,
            })
        };
        find(&world.exports)
            .map(|id| (id, true))
            .or_else(|| find(&world.imports).map(|id| (id, false)))
    }

    /// How wasmtime's bindings reach an exported interface: `helpdesk_chat_presence`.
    pub(crate) fn export_accessor(&self, id: wit_parser::InterfaceId) -> Result<String> {
        let interface = &self.resolve.interfaces[id];
        let package = interface.package.context("an interface without a package")?;
        let package = &self.resolve.packages[package].name;
        let name = interface.name.as_deref().context("an inline interface")?;
        Ok(format!(
            "{}_{}_{}",
            package.namespace.replace('-', "_"),
            package.name.replace('-', "_"),
            name.replace('-', "_")
        ))
    }

    /// A field for one WIT parameter of a bound function, documented by its `@param` line.
    fn write_param_field(
        &self,
        out: &mut String,
        edge: &Edge,
        param: &wit_parser::Param,
        bindings: &str,
        optional: bool,
        parameter: bool,
    ) -> Result<()> {
        let doc = edge
            .param_doc(&param.name)
            .with_context(|| format!("@param {} is missing", param.name))?;
        write_field(
            out,
            &param.name,
            &self.rust_type(param.ty, bindings)?,
            doc,
            optional,
            parameter,
        )
    }

    fn write_handler(
        &self,
        out: &mut String,
        edge: &Edge,
        function: &Function,
        bindings: &str,
        accessor: &str,
    ) -> Result<()> {
        let http = edge.http.as_ref().context("no binding")?;
        let camel = upper_camel(&function.name);
        let ident = rust_ident(&function.name);
        let placeholders = http.placeholders();
        let args = &function.params[1..];

        // Where each argument comes from.
        let rest: Vec<_> = args
            .iter()
            .filter(|param| !placeholders.contains(&param.name.as_str()))
            .collect();
        let whole_body = http.method != Method::Get && rest.len() == 1 && self.is_record(rest[0].ty);
        let source = |name: &str, ty: Type| -> Source {
            if placeholders.contains(&name) {
                Source::Path
            } else if http.method == Method::Get {
                if self.is_record(ty) {
                    Source::QueryRecord
                } else {
                    Source::Query
                }
            } else if whole_body {
                Source::Body
            } else {
                Source::BodyField
            }
        };

        // The path's type.
        let path_type = if placeholders.is_empty() {
            None
        } else {
            let mut fields = String::new();
            for placeholder in &placeholders {
                if *placeholder == PROJECT_PLACEHOLDER {
                    fields.push_str("    /// The project's key (for example `SUP`).\n    pub project: String,\n");
                    continue;
                }
                let param = args
                    .iter()
                    .find(|param| param.name == *placeholder)
                    .context("a placeholder without its parameter")?;
                self.write_param_field(&mut fields, edge, param, bindings, false, true)?;
            }
            let name = format!("{camel}Path");
            writeln!(
                out,
                "/// The path of `{} {}`.\n#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]\n#[into_params(parameter_in = Path)]\npub struct {name} {{\n{fields}}}\n",
                http.method.name(),
                http.path
            )?;
            Some(name)
        };

        // The query's type: scalar parameters, and a record parameter's fields.
        let query_type = if http.method == Method::Get && !rest.is_empty() {
            let mut fields = String::new();
            for param in &rest {
                if self.is_record(param.ty) {
                    for (field, ty, doc) in self.record_fields(param.ty)? {
                        write_field(&mut fields, &field, &self.rust_type(ty, bindings)?, &doc, false, true)?;
                    }
                } else {
                    self.write_param_field(&mut fields, edge, param, bindings, false, true)?;
                }
            }
            let name = format!("{camel}Query");
            writeln!(
                out,
                "/// The query of `{} {}`.\n#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]\n#[into_params(parameter_in = Query)]\n#[serde(deny_unknown_fields)]\npub struct {name} {{\n{fields}}}\n",
                http.method.name(),
                http.path
            )?;
            Some(name)
        } else {
            None
        };

        // The body's type: the record itself, or an object of the parameters.
        let body_type = if http.method == Method::Get || rest.is_empty() {
            None
        } else if whole_body {
            Some(self.rust_type(rest[0].ty, bindings)?)
        } else {
            let mut fields = String::new();
            for param in &rest {
                let optional = self.may_be_left_out(param.ty);
                self.write_param_field(&mut fields, edge, param, bindings, optional, false)?;
            }
            let name = format!("{camel}Body");
            writeln!(
                out,
                "/// The body of `{} {}`.\n#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]\n#[serde(deny_unknown_fields)]\npub struct {name} {{\n{fields}}}\n",
                http.method.name(),
                http.path
            )?;
            Some(name)
        };

        // The answer.
        let ok = match function.result.map(|ty| self.unalias(ty)) {
            Some(Type::Id(id)) => match &self.resolve.types[id].kind {
                TypeDefKind::Result(result) => result.ok,
                _ => bail!("a bound function must return result<_, error>"),
            },
            _ => bail!("a bound function must return result<_, error>"),
        };
        let (answer_type, response) = match ok {
            Some(ty) => {
                let ty = self.rust_type(ty, bindings)?;
                (format!("Json<{ty}>"), format!("(status = OK, body = {ty})"))
            }
            None => (
                "StatusCode".to_string(),
                "(status = NO_CONTENT, description = \"Done.\")".to_string(),
            ),
        };

        // The handler, its docs naming errors as the API spells their codes.
        let mut docs = edge.docs.clone();
        for case in self.error_cases() {
            docs = docs.replace(&format!("`{case}`"), &format!("`{}`", case.replace('-', "_")));
        }
        for line in docs.lines() {
            writeln!(out, "#[doc = {:?}]", format!(" {line}").trim_end())?;
        }
        let mut attributes = vec![
            http.method.name().to_string(),
            format!("path = {:?}", http.path),
            format!("tag = {:?}", edge.interface),
        ];
        let params: Vec<&str> = [path_type.as_deref(), query_type.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if !params.is_empty() {
            attributes.push(format!("params({})", params.join(", ")));
        }
        if let Some(body) = &body_type {
            attributes.push(format!("request_body = {body}"));
        }
        attributes.push(format!("responses({response}, ApiErrors)"));
        writeln!(out, "#[utoipa::path({})]", attributes.join(", "))?;
        writeln!(out, "pub async fn {ident}(\n    State(api): State<ApiContext>,")?;
        match http.audience {
            Audience::SignedIn => writeln!(out, "    SignedIn {{ caller, .. }}: SignedIn,")?,
            Audience::Anyone => writeln!(out, "    caller: Caller,")?,
        }
        if let Some(path) = &path_type {
            writeln!(out, "    ApiPath(path): ApiPath<{path}>,")?;
        }
        if let Some(query) = &query_type {
            writeln!(out, "    ApiQuery(query): ApiQuery<{query}>,")?;
        }
        if let Some(body) = &body_type {
            writeln!(out, "    ApiJson(body): ApiJson<{body}>,")?;
        }
        writeln!(out, ") -> ApiResult<{answer_type}> {{")?;
        if let Some(limit) = &http.limit {
            writeln!(
                out,
                "    api.limits.check(Frequent::{}, &caller.requester())?;",
                upper_camel(limit)
            )?;
        }
        let ctx = if placeholders.contains(&PROJECT_PLACEHOLDER) {
            "caller.in_project(&path.project)"
        } else {
            "caller.context(None)"
        };
        let access = match edge.access {
            Access::Read => "Access::Read",
            Access::Write => "Access::Write",
        };
        writeln!(
            out,
            "    let answer = api\n        .call({access}, {ctx}, move |plugin, store, ctx| {{"
        )?;
        let mut call_args = Vec::new();
        for param in args {
            let field = rust_ident(&param.name);
            let expr = match source(&param.name, param.ty) {
                Source::Path => format!("path.{field}"),
                Source::Query => format!("query.{field}"),
                Source::BodyField => format!("body.{field}"),
                Source::Body => "body".to_string(),
                Source::QueryRecord => {
                    let record = self.rust_type(param.ty, bindings)?;
                    let mut inits = Vec::new();
                    for (name, ty, _) in self.record_fields(param.ty)? {
                        let name = rust_ident(&name);
                        inits.push(if self.needs_borrow(ty) {
                            format!("{name}: query.{name}.clone()")
                        } else {
                            format!("{name}: query.{name}")
                        });
                    }
                    writeln!(out, "            let {field} = {record} {{ {} }};", inits.join(", "))?;
                    field.clone()
                }
            };
            call_args.push(self.argument(&expr, param.ty));
        }
        let mut call = format!("plugin.{accessor}().call_{ident}(store, ctx");
        for arg in &call_args {
            write!(call, ", {arg}")?;
        }
        call.push(')');
        writeln!(out, "            {call}\n        }})\n        .await?;")?;
        match ok {
            Some(_) => writeln!(out, "    Ok(Json(answer))\n}}\n")?,
            None => writeln!(out, "    let () = answer;\n    Ok(StatusCode::NO_CONTENT)\n}}\n")?,
        }
        Ok(())
    }

    /// The cases of the contract's `error` variant (`not-found`, …), which the REST API
    /// spells with underscores.
    fn error_cases(&self) -> Vec<String> {
        self.resolve
            .types
            .iter()
            .filter(|(_, def)| def.name.as_deref() == Some("error"))
            .filter_map(|(_, def)| match &def.kind {
                TypeDefKind::Variant(variant) => Some(variant.cases.iter().map(|case| case.name.clone())),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn is_record(&self, ty: Type) -> bool {
        matches!(self.unalias(ty), Type::Id(id) if matches!(self.resolve.types[id].kind, TypeDefKind::Record(_)))
    }

    /// A record's fields: name, type and doc text.
    fn record_fields(&self, ty: Type) -> Result<Vec<(String, Type, String)>> {
        let Type::Id(id) = self.unalias(ty) else {
            bail!("not a record");
        };
        let TypeDefKind::Record(record) = &self.resolve.types[id].kind else {
            bail!("not a record");
        };
        Ok(record
            .fields
            .iter()
            .map(|field| (field.name.clone(), field.ty, crate::doc_text(&field.docs)))
            .collect())
    }

    /// Whether a body may leave the parameter out: an `option` (none) or a `bool` (false).
    fn may_be_left_out(&self, ty: Type) -> bool {
        match self.unalias(ty) {
            Type::Bool => true,
            Type::Id(id) => matches!(self.resolve.types[id].kind, TypeDefKind::Option(_)),
            _ => false,
        }
    }

    /// Whether wasmtime's bindings take a value of this type by reference: it holds a
    /// string or a list somewhere. The others are `Copy` and passed by value.
    pub(crate) fn needs_borrow(&self, ty: Type) -> bool {
        match self.unalias(ty) {
            Type::String => true,
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::List(_) => true,
                TypeDefKind::Option(inner) => self.needs_borrow(*inner),
                TypeDefKind::Record(record) => record.fields.iter().any(|field| self.needs_borrow(field.ty)),
                TypeDefKind::Variant(variant) => variant
                    .cases
                    .iter()
                    .any(|case| case.ty.is_some_and(|ty| self.needs_borrow(ty))),
                _ => false,
            },
            _ => false,
        }
    }

    /// `expr` (an owned value of WIT type `ty`) as wasmtime's bindings take it as an
    /// argument: by value when `Copy`, else borrowed (`Option<&str>` for `option<string>`,
    /// `Option<&T>` for other options).
    pub(crate) fn argument(&self, expr: &str, ty: Type) -> String {
        if !self.needs_borrow(ty) {
            return expr.to_string();
        }
        if let Type::Id(id) = ty
            && let TypeDefKind::Option(inner) = self.resolve.types[id].kind
        {
            return if inner == Type::String {
                format!("{expr}.as_deref()")
            } else {
                format!("{expr}.as_ref()")
            };
        }
        format!("&{expr}")
    }
}

/// One field of a generated path, query or body type, with its doc. A parameter of a
/// named type (an enum, say) is described inline: a parameter's schema is not registered
/// among the document's components the way a body's is.
fn write_field(out: &mut String, name: &str, ty: &str, doc: &str, optional: bool, parameter: bool) -> Result<()> {
    for line in doc.lines() {
        writeln!(out, "    #[doc = {:?}]", format!(" {line}").trim_end())?;
    }
    if optional {
        writeln!(out, "    #[serde(default)]")?;
    }
    if parameter && ty.contains("::") {
        writeln!(out, "    #[param(inline)]")?;
    }
    writeln!(out, "    pub {}: {ty},", rust_ident(name))?;
    Ok(())
}
