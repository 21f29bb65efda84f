//! Every export, callable by name with its arguments in their one JSON form (SPEC PL-11),
//! and a description of every function and type of the world as JSON. Two hosts run the
//! same contract flows with them: the reference host calls the plugin through its typed
//! bindings by name, and a second host, in another language, learns from the description
//! how each JSON value becomes the value its bindings take. Neither writes a function by
//! hand, so a function added to the WIT is covered by both at once.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use wit_parser::{Type, TypeDefKind, WorldItem};

use crate::{Contract, GENERATED_HEADER, rust_ident};

impl Contract {
    /// Every exported function as `interface.function` (for example `presence.go-online`),
    /// with its interface id.
    fn exported_functions(&self) -> Vec<(wit_parser::InterfaceId, String, &wit_parser::Function)> {
        let world = &self.resolve.worlds[self.world];
        let mut functions = Vec::new();
        for item in world.exports.values() {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let interface = &self.resolve.interfaces[*id];
            let name = interface.name.clone().unwrap_or_default();
            for function in interface.functions.values() {
                functions.push((*id, format!("{name}.{}", function.name), function));
            }
        }
        functions
    }

    /// For a host's contract tests: `pub fn call_by_name(plugin, store, ctx, function, args)`
    /// calling export `function` (`interface.function`) with `args` (a JSON object of its
    /// parameters after the context, by WIT name) and answering its `ok` value as JSON, or
    /// its `error` as is (so that the host rolls the call back as for any refusal); and
    /// `pub fn writes(function) -> Option<bool>`, from its edge.
    /// `bindings` is the bindings module; `plugin_type`, `store_type` and `ctx_type` name its
    /// world struct, the store and the call context; records (de)serialize with the
    /// generated serde impls.
    pub fn calls_by_name(
        &self,
        bindings: &str,
        plugin_type: &str,
        store_type: &str,
        ctx_type: &str,
        error_type: &str,
    ) -> Result<String> {
        let mut out = String::from(GENERATED_HEADER);
        out.push_str(
            "/// One argument, from the JSON object of arguments by its WIT name.\nfn argument<T: serde::de::DeserializeOwned>(args: &serde_json::Value, name: &str) -> wasmtime::Result<T> {\n    let value = args.get(name).cloned().unwrap_or(serde_json::Value::Null);\n    serde_json::from_value(value).map_err(|err| wasmtime::Error::msg(format!(\"argument {name}: {err}\")))\n}\n\n",
        );
        writeln!(
            out,
            "/// Calls export `function` (`interface.function`) with `args`, its parameters after the\n/// context as a JSON object by WIT name; answers its `ok` value in the one JSON form, or\n/// its error.\npub fn call_by_name(\n    plugin: &{plugin_type},\n    store: &mut {store_type},\n    ctx: &{ctx_type},\n    function: &str,\n    args: &serde_json::Value,\n) -> wasmtime::Result<Result<serde_json::Value, {error_type}>> {{\n    let _ = (&ctx, &args);\n    match function {{"
        )?;
        let mut writes = String::new();
        for (id, name, function) in self.exported_functions() {
            let accessor = self.export_accessor(id)?;
            let shared = crate::edges::shared_params(&self.resolve.interfaces[id].docs);
            let interface = self.resolve.interfaces[id].name.clone().unwrap_or_default();
            let edge = crate::edges::parse(&interface, &shared, function)?;
            writeln!(
                writes,
                "        {name:?} => Some({}),",
                edge.access == crate::edges::Access::Write
            )?;
            writeln!(out, "        {name:?} => {{")?;
            let mut call_args = Vec::new();
            for (index, param) in function.params.iter().enumerate() {
                if index == 0 && param.name == "ctx" {
                    call_args.push("ctx".to_string());
                    continue;
                }
                let local = format!("a{index}");
                writeln!(
                    out,
                    "            let {local}: {} = argument(args, {:?})?;",
                    self.rust_type(param.ty, bindings)?,
                    param.name
                )?;
                call_args.push(self.argument(&local, param.ty));
            }
            let mut call = format!("plugin.{accessor}().call_{}(&mut *store", rust_ident(&function.name));
            for arg in &call_args {
                write!(call, ", {arg}")?;
            }
            call.push_str(")?");
            let is_result = matches!(function.result.map(|ty| self.unalias(ty)),
                Some(Type::Id(id)) if matches!(self.resolve.types[id].kind, TypeDefKind::Result(_)));
            if is_result {
                writeln!(
                    out,
                    "            Ok(match {call} {{\n                Ok(value) => Ok(serde_json::to_value(value)?),\n                Err(err) => Err(err),\n            }})\n        }}"
                )?;
            } else {
                writeln!(out, "            Ok(Ok(serde_json::to_value({call})?))\n        }}")?;
            }
        }
        writeln!(
            out,
            "        other => Err(wasmtime::Error::msg(format!(\"no export {{other}}\"))),\n    }}\n}}\n\n/// Whether export `function` (`interface.function`) may write (`@write`), from its edge.\npub fn writes(function: &str) -> Option<bool> {{\n    match function {{\n{writes}        _ => None,\n    }}\n}}"
        )?;
        Ok(out)
    }

    /// Every exported function and every named type of the world as JSON, for a host in
    /// another language: `{"functions": {"presence.go-online": {"params": [{"name",
    /// "type"}], "result": type, "writes": bool}}, "types": {"presence/change-outcome":
    /// shape}}`. A type is a primitive's name (`"u32"`, `"string"`), `{"option": t}`,
    /// `{"list": t}`, `{"result": {"ok": t, "err": t}}` or `{"named": "interface/name"}`;
    /// a shape is `{"kind": "record", "fields": [{"name", "type"}]}`, `{"kind": "enum",
    /// "cases": [name]}` or `{"kind": "variant", "cases": [{"name", "type"}]}`.
    pub fn signatures_json(&self) -> Result<String> {
        let mut functions = serde_json::Map::new();
        for (id, name, function) in self.exported_functions() {
            let interface = self.resolve.interfaces[id].name.clone().unwrap_or_default();
            let shared = crate::edges::shared_params(&self.resolve.interfaces[id].docs);
            let edge = crate::edges::parse(&interface, &shared, function)?;
            let mut params = Vec::new();
            for param in &function.params {
                params.push(json!({ "name": param.name, "type": self.type_json(param.ty)? }));
            }
            let result = match function.result {
                Some(ty) => self.type_json(ty)?,
                None => Value::Null,
            };
            functions.insert(
                name,
                json!({ "params": params, "result": result, "writes": edge.access == crate::edges::Access::Write }),
            );
        }
        let mut types = serde_json::Map::new();
        for named in &self.types {
            let def = &self.resolve.types[named.id];
            let shape = match &def.kind {
                TypeDefKind::Record(record) => {
                    let mut fields = Vec::new();
                    for field in &record.fields {
                        fields.push(json!({ "name": field.name, "type": self.type_json(field.ty)? }));
                    }
                    json!({ "kind": "record", "fields": fields })
                }
                TypeDefKind::Enum(enumeration) => {
                    let cases: Vec<&str> = enumeration.cases.iter().map(|case| case.name.as_str()).collect();
                    json!({ "kind": "enum", "cases": cases })
                }
                TypeDefKind::Variant(variant) => {
                    let mut cases = Vec::new();
                    for case in &variant.cases {
                        let ty = match case.ty {
                            Some(ty) => self.type_json(ty)?,
                            None => Value::Null,
                        };
                        cases.push(json!({ "name": case.name, "type": ty }));
                    }
                    json!({ "kind": "variant", "cases": cases })
                }
                _ => continue,
            };
            types.insert(self.qualified_name(named.id)?, shape);
        }
        Ok(serde_json::to_string_pretty(
            &json!({ "functions": functions, "types": types }),
        )?)
    }

    /// `interface/name` of a named type.
    fn qualified_name(&self, id: wit_parser::TypeId) -> Result<String> {
        let def = &self.resolve.types[id];
        let wit_parser::TypeOwner::Interface(owner) = def.owner else {
            bail!("a type outside an interface");
        };
        let interface = self.resolve.interfaces[owner].name.clone().unwrap_or_default();
        Ok(format!(
            "{interface}/{}",
            def.name.as_deref().context("an anonymous named type")?
        ))
    }

    fn type_json(&self, ty: Type) -> Result<Value> {
        Ok(match self.unalias(ty) {
            Type::Bool => json!("bool"),
            Type::U8 => json!("u8"),
            Type::U16 => json!("u16"),
            Type::U32 => json!("u32"),
            Type::U64 => json!("u64"),
            Type::S8 => json!("s8"),
            Type::S16 => json!("s16"),
            Type::S32 => json!("s32"),
            Type::S64 => json!("s64"),
            Type::F32 => json!("f32"),
            Type::F64 => json!("f64"),
            Type::Char => json!("char"),
            Type::String => json!("string"),
            Type::ErrorContext => bail!("error-context is not described"),
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Option(inner) => json!({ "option": self.type_json(*inner)? }),
                TypeDefKind::List(inner) => json!({ "list": self.type_json(*inner)? }),
                TypeDefKind::Result(result) => {
                    let side = |ty: Option<Type>| -> Result<Value> {
                        ty.map(|ty| self.type_json(ty))
                            .transpose()
                            .map(|v| v.unwrap_or(Value::Null))
                    };
                    json!({ "result": { "ok": side(result.ok)?, "err": side(result.err)? } })
                }
                TypeDefKind::Record(_) | TypeDefKind::Enum(_) | TypeDefKind::Variant(_) => {
                    json!({ "named": self.qualified_name(id)? })
                }
                other => bail!("WIT {} is not described", other.as_str()),
            },
        })
    }
}
