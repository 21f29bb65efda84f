//! One host for plugins built against this contract and against an older, frozen one (SPEC
//! PL-10), as Zed's extension host does: the older world gets bindings of its own, and this
//! module generates what joins the two.
//!
//! - `PluginInstance` and `PluginInstancePre`: an instance of either version behind the
//!   current version's call surface (`instance.helpdesk_chat_presence().call_go_online(…)`),
//!   so no call site knows which version it talks to. A function whose signature did not
//!   change calls the older plugin with its arguments converted (through their one JSON
//!   form: the records are the same); one that changed calls a hand-written adapter, which
//!   the compiler asks for by name; one that is new answers the older plugin's caller
//!   `unavailable` in words, so adding a function needs nothing written for older plugins.
//! - The older world's imports, implemented by forwarding to the current ones: the host
//!   implements each capability once.

use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use wit_parser::{Function, Type, TypeDefKind, WorldItem};

use crate::{Contract, GENERATED_HEADER, rust_ident, upper_camel};

/// Names for the generated items of one older version.
pub struct OlderVersion<'a> {
    /// The older contract, parsed from its frozen WIT.
    pub contract: &'a Contract,
    /// The Rust module of its bindings (for example `crate::contract::v0_2`).
    pub bindings: &'a str,
    /// The enum case naming it (for example `V0_2`).
    pub case: &'a str,
    /// The module of the hand-written adapters for functions that changed.
    pub adapters: &'a str,
    /// Functions (`interface.function`) that are new in name only, renamed from an older
    /// one: adapted by hand like a changed one, not refused as new.
    pub renamed: &'a [&'a str],
}

impl Contract {
    /// A type with every named type spelt out, to tell whether two contracts agree on it.
    fn structure(&self, ty: Type) -> Result<Value> {
        Ok(match self.unalias(ty) {
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Option(inner) => json!({ "option": self.structure(*inner)? }),
                TypeDefKind::List(inner) => json!({ "list": self.structure(*inner)? }),
                TypeDefKind::Result(result) => {
                    let side = |ty: Option<Type>| -> Result<Value> {
                        Ok(match ty {
                            Some(ty) => self.structure(ty)?,
                            None => Value::Null,
                        })
                    };
                    json!({ "result": [side(result.ok)?, side(result.err)?] })
                }
                TypeDefKind::Record(record) => {
                    let mut fields = Vec::new();
                    for field in &record.fields {
                        fields.push(json!([field.name, self.structure(field.ty)?]));
                    }
                    json!({ "record": fields })
                }
                TypeDefKind::Enum(enumeration) => {
                    json!({ "enum": enumeration.cases.iter().map(|c| c.name.clone()).collect::<Vec<_>>() })
                }
                TypeDefKind::Variant(variant) => {
                    let mut cases = Vec::new();
                    for case in &variant.cases {
                        let payload = match case.ty {
                            Some(ty) => self.structure(ty)?,
                            None => Value::Null,
                        };
                        cases.push(json!([case.name, payload]));
                    }
                    json!({ "variant": cases })
                }
                other => bail!("WIT {} is not compared", other.as_str()),
            },
            primitive => json!(format!("{primitive:?}")),
        })
    }

    /// A function's parameter and result types, spelt out.
    fn signature_structure(&self, function: &Function) -> Result<Value> {
        let mut params = Vec::new();
        for param in &function.params {
            params.push(self.structure(param.ty)?);
        }
        let result = match function.result {
            Some(ty) => self.structure(ty)?,
            None => Value::Null,
        };
        Ok(json!([params, result]))
    }

    /// Whether a value of the type holds a record, enum or variant somewhere, and so is a
    /// different Rust type in each version's bindings.
    fn holds_named(&self, ty: Type) -> bool {
        match self.unalias(ty) {
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Option(inner) | TypeDefKind::List(inner) => self.holds_named(*inner),
                TypeDefKind::Result(result) => {
                    result.ok.is_some_and(|ty| self.holds_named(ty))
                        || result.err.is_some_and(|ty| self.holds_named(ty))
                }
                _ => true,
            },
            _ => false,
        }
    }

    /// An expression turning `expr` (of WIT type `ty` in one version's bindings, borrowed
    /// as wasmtime passes arguments when `borrowed`) into the other version's owned value.
    fn converted(&self, expr: &str, ty: Type, borrowed: bool) -> String {
        if !self.holds_named(ty) {
            return if borrowed {
                self.owned_from_borrowed(expr, ty)
            } else {
                expr.to_string()
            };
        }
        match self.unalias(ty) {
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Option(inner) => {
                    // `Option<&T>` when `T` is borrowed, `Option<T>` when it is passed by value.
                    let inner_borrowed = borrowed && self.needs_borrow(*inner);
                    format!(
                        "match {expr} {{ Some(v) => Some({}), None => None }}",
                        self.converted("v", *inner, inner_borrowed)
                    )
                }
                TypeDefKind::List(inner) => {
                    let each = self.converted("v", *inner, borrowed);
                    let iter = if borrowed { "iter()" } else { "into_iter()" };
                    format!(
                        "{expr}.{iter}.map(|v| -> wasmtime::Result<_> {{ Ok({each}) }}).collect::<wasmtime::Result<Vec<_>>>()?"
                    )
                }
                TypeDefKind::Result(result) => {
                    let side = |ty: Option<Type>| match ty {
                        Some(ty) => self.converted("v", ty, false),
                        None => "v".to_string(),
                    };
                    format!(
                        "match {expr} {{ Ok(v) => Ok({}), Err(v) => Err({}) }}",
                        side(result.ok),
                        side(result.err)
                    )
                }
                // A borrowed argument is a reference only when wasmtime borrows the type.
                _ if borrowed && self.needs_borrow(ty) => format!("convert({expr})?"),
                _ => format!("convert(&{expr})?"),
            },
            _ => expr.to_string(),
        }
    }

    /// An owned copy of a borrowed argument without named types (`&str` to `String`).
    fn owned_from_borrowed(&self, expr: &str, ty: Type) -> String {
        if !self.needs_borrow(ty) {
            return expr.to_string();
        }
        match self.unalias(ty) {
            Type::Id(id) if matches!(self.resolve.types[id].kind, TypeDefKind::Option(_)) => {
                format!("{expr}.map(|v| v.to_owned())")
            }
            _ => format!("{expr}.to_owned()"),
        }
    }

    /// A parameter's type as wasmtime's bindings take it: by value when it holds no string
    /// or list, else borrowed (`&str`, `&String` for a string alias, `Option<&str>`,
    /// `&[T]`, `&Record`).
    fn param_type(&self, ty: Type, bindings: &str) -> Result<String> {
        if !self.needs_borrow(ty) {
            return self.owned_type(ty, bindings);
        }
        Ok(match ty {
            Type::String => "&str".to_string(),
            Type::Id(id) => match &self.resolve.types[id].kind {
                TypeDefKind::Type(_) => format!("&{}", self.owned_type(ty, bindings)?),
                TypeDefKind::Option(inner) => match inner {
                    Type::String => "Option<&str>".to_string(),
                    inner => format!("Option<&{}>", self.owned_type(*inner, bindings)?),
                },
                TypeDefKind::List(inner) => format!("&[{}]", self.owned_type(*inner, bindings)?),
                _ => format!("&{}", self.owned_type(ty, bindings)?),
            },
            _ => self.owned_type(ty, bindings)?,
        })
    }

    /// An owned Rust type, results included (`Result<T, E>`, `()` for none).
    fn owned_type(&self, ty: Type, bindings: &str) -> Result<String> {
        if let Type::Id(id) = self.unalias(ty)
            && let TypeDefKind::Result(result) = &self.resolve.types[id].kind
        {
            let side = |ty: Option<Type>| -> Result<String> {
                Ok(match ty {
                    Some(ty) => self.owned_type(ty, bindings)?,
                    None => "()".to_string(),
                })
            };
            return Ok(format!("Result<{}, {}>", side(result.ok)?, side(result.err)?));
        }
        if let Type::Id(id) = self.unalias(ty)
            && let TypeDefKind::Option(inner) = &self.resolve.types[id].kind
        {
            return Ok(format!("Option<{}>", self.owned_type(*inner, bindings)?));
        }
        if let Type::Id(id) = self.unalias(ty)
            && let TypeDefKind::List(inner) = &self.resolve.types[id].kind
        {
            return Ok(format!("Vec<{}>", self.owned_type(*inner, bindings)?));
        }
        self.rust_type(ty, bindings)
    }

    /// `PluginInstance`, `PluginInstancePre` and one call surface per exported interface, over
    /// this contract's bindings (`bindings`, with `ChatPlugin` and `ChatPluginPre`) and
    /// `older`'s.
    pub fn instance_facade(&self, bindings: &str, older: &OlderVersion<'_>) -> Result<String> {
        let case = older.case;
        let old = older.contract;
        let mut out = String::from(GENERATED_HEADER);
        out.push_str(CONVERT);
        writeln!(
            out,
            "/// A plugin instance, built against this contract or the older `{case}` one.\npub enum PluginInstance {{\n    /// Built against this contract.\n    Current({bindings}::ChatPlugin),\n    /// Built against the older contract; its calls are adapted.\n    {case}({}::ChatPlugin),\n}}\n",
            older.bindings
        )?;
        writeln!(
            out,
            "/// A plugin component ready to instantiate, of either contract version.\npub enum PluginInstancePre<T: 'static> {{\n    /// Built against this contract.\n    Current({bindings}::ChatPluginPre<T>),\n    /// Built against the older contract.\n    {case}({}::ChatPluginPre<T>),\n}}\n\nimpl<T: Send + 'static> PluginInstancePre<T> {{\n    /// A new instance in `store`.\n    pub fn instantiate(&self, store: impl wasmtime::AsContextMut<Data = T>) -> wasmtime::Result<PluginInstance> {{\n        Ok(match self {{\n            PluginInstancePre::Current(pre) => PluginInstance::Current(pre.instantiate(store)?),\n            PluginInstancePre::{case}(pre) => PluginInstance::{case}(pre.instantiate(store)?),\n        }})\n    }}\n}}\n",
            older.bindings
        )?;
        let world = &self.resolve.worlds[self.world];
        let mut accessors = String::new();
        for item in world.exports.values() {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let interface = &self.resolve.interfaces[*id];
            let name = interface.name.clone().context("an inline interface")?;
            let accessor = self.export_accessor(*id)?;
            let calls = format!("{}Calls", upper_camel(&name));
            writeln!(
                accessors,
                "    /// The calls of `{name}`.\n    pub fn {accessor}(&self) -> {calls}<'_> {{\n        {calls}(self)\n    }}"
            )?;
            writeln!(
                out,
                "/// The calls of `{name}`, whichever version the instance was built against.\npub struct {calls}<'a>(&'a PluginInstance);\n\nimpl {calls}<'_> {{"
            )?;
            let older_interface = old.interface_named(&name);
            for function in interface.functions.values() {
                let older_function =
                    older_interface.and_then(|id| old.resolve.interfaces[id].functions.get(&function.name));
                let same = match older_function {
                    Some(older_function) => {
                        self.signature_structure(function)? == old.signature_structure(older_function)?
                    }
                    None => false,
                };
                let renamed = older.renamed.contains(&format!("{name}.{}", function.name).as_str());
                let twin = match older_function {
                    None if renamed => OlderTwin::Changed,
                    None => OlderTwin::Missing,
                    Some(older_function) if same => OlderTwin::Same(older_function),
                    Some(_) => OlderTwin::Changed,
                };
                self.write_facade_call(&mut out, bindings, older, &accessor, &name, function, twin)?;
            }
            writeln!(out, "}}\n")?;
        }
        writeln!(out, "impl PluginInstance {{\n{accessors}}}")?;
        Ok(out)
    }

    fn interface_named(&self, name: &str) -> Option<wit_parser::InterfaceId> {
        let world = &self.resolve.worlds[self.world];
        world
            .exports
            .values()
            .chain(world.imports.values())
            .find_map(|item| match item {
                WorldItem::Interface { id, .. } if self.resolve.interfaces[*id].name.as_deref() == Some(name) => {
                    Some(*id)
                }
                _ => None,
            })
    }

    #[allow(clippy::too_many_arguments)]
    fn write_facade_call(
        &self,
        out: &mut String,
        bindings: &str,
        older: &OlderVersion<'_>,
        accessor: &str,
        interface: &str,
        function: &Function,
        twin: OlderTwin<'_>,
    ) -> Result<()> {
        let case = older.case;
        let ident = rust_ident(&function.name);
        let mut params = String::new();
        let mut names = Vec::new();
        for (index, param) in function.params.iter().enumerate() {
            write!(params, ", arg{index}: {}", self.param_type(param.ty, bindings)?)?;
            names.push(format!("arg{index}"));
        }
        let result = match function.result {
            Some(ty) => self.owned_type(ty, bindings)?,
            None => "()".to_string(),
        };
        writeln!(
            out,
            "    /// Calls `{interface}.{}`.\n    pub fn call_{ident}<S: wasmtime::AsContextMut>(&self, store: S{params}) -> wasmtime::Result<{result}>\n    where\n        <S as wasmtime::AsContext>::Data: Send,\n    {{\n        match self.0 {{\n            PluginInstance::Current(plugin) => plugin.{accessor}().call_{ident}(store, {}),",
            function.name,
            names.join(", ")
        )?;
        if let OlderTwin::Same(twin) = twin {
            let old = older.contract;
            let mut prelude = String::new();
            let mut args = Vec::new();
            for (index, (param, old_param)) in function.params.iter().zip(&twin.params).enumerate() {
                if self.holds_named(param.ty) {
                    writeln!(
                        prelude,
                        "                let old{index}: {} = {};",
                        old.owned_type(old_param.ty, older.bindings)?,
                        self.converted(&format!("arg{index}"), param.ty, true)
                    )?;
                    args.push(old.argument(&format!("old{index}"), old_param.ty));
                } else {
                    args.push(format!("arg{index}"));
                }
            }
            let answer = match function.result {
                Some(ty) => self.converted("answer", ty, false),
                None => "answer".to_string(),
            };
            writeln!(
                out,
                "            PluginInstance::{case}(plugin) => {{\n{prelude}                let answer = plugin.{accessor}().call_{ident}(store, {})?;\n                Ok({answer})\n            }}",
                args.join(", ")
            )?;
        } else if matches!(twin, OlderTwin::Missing) && self.answers_contract_error(function) {
            // A function the older plugin does not have: it answers `unavailable` in words,
            // so adding a function to the contract needs no line written for older plugins.
            writeln!(
                out,
                "            // New since the older contract: an older plugin does not have it.\n            PluginInstance::{case}(_) => Ok(Err({bindings}::helpdesk::chat::types::Error::Unavailable({:?}.to_string()))),",
                format!(
                    "the chat plugin was built for {}, which has no {interface}.{}; a plugin built for {} has it",
                    older.contract.package(),
                    function.name,
                    self.package()
                )
            )?;
        } else {
            writeln!(
                out,
                "            // This function changed after the older contract: adapted by hand.\n            PluginInstance::{case}(plugin) => {}::{}_{ident}(plugin, store, {}),",
                older.adapters,
                interface.replace('-', "_"),
                names.join(", ")
            )?;
        }
        writeln!(out, "        }}\n    }}\n")?;
        Ok(())
    }

    /// The older world's imports, each forwarding to this contract's implementation of the
    /// same function (`bindings`), with the values converted. Every import of the older
    /// world must have its same-shaped twin here. `hosts` says which Rust type implements
    /// each interface, and which WIT error both versions' bindings map to one trappable type.
    pub fn older_imports(&self, bindings: &str, older: &OlderVersion<'_>, hosts: &ImportHosts<'_>) -> Result<String> {
        let old = older.contract;
        let mut out = String::from(GENERATED_HEADER);
        let world = &old.resolve.worlds[old.world];
        for item in world.imports.values() {
            let WorldItem::Interface { id, .. } = item else {
                continue;
            };
            let interface = &old.resolve.interfaces[*id];
            let name = interface.name.clone().context("an inline interface")?;
            // The interface that defines the trappable error has its conversion written by
            // hand, once for every capability.
            if interface.functions.is_empty() && name == hosts.trappable_error.interface {
                continue;
            }
            let host_type = hosts
                .host_types
                .iter()
                .find(|(interface, _)| *interface == name)
                .map(|(_, host)| *host)
                .with_context(|| format!("no host type is named for the import {name}"))?;
            let old_path = format!("{}::{}", older.bindings, old.module_path(*id, false)?);
            let current = self
                .interface_named(&name)
                .with_context(|| format!("the older contract imports {name}, which this one does not"))?;
            let new_path = format!("{bindings}::{}", self.module_path(current, false)?);
            writeln!(out, "impl {old_path}::Host for {host_type} {{")?;
            for function in interface.functions.values() {
                let twin = self.resolve.interfaces[current]
                    .functions
                    .get(&function.name)
                    .with_context(|| format!("{name}.{} is gone from this contract", function.name))?;
                if old.signature_structure(function)? != self.signature_structure(twin)? {
                    bail!(
                        "{name}.{} changed shape: an older plugin needs an adapter",
                        function.name
                    );
                }
                let ident = rust_ident(&function.name);
                let mut params = String::new();
                let mut args = Vec::new();
                for param in &function.params {
                    let param_name = rust_ident(&param.name);
                    write!(params, ", {param_name}: {}", old.owned_type(param.ty, older.bindings)?)?;
                    args.push(old.converted(&param_name, param.ty, false));
                }
                // A function whose error is the trappable one returns it as it is: both
                // versions' bindings take the same Rust type.
                let trappable = function
                    .result
                    .and_then(|ty| old.trappable_ok(ty, &hosts.trappable_error));
                let (result, answer) = match (trappable, function.result, twin.result) {
                    (Some(ok), _, Some(twin_ty)) => {
                        let twin_ok = self
                            .trappable_ok(twin_ty, &hosts.trappable_error)
                            .context("the twin's error is not the trappable one")?;
                        let ok_type = match ok {
                            Some(ty) => old.owned_type(ty, older.bindings)?,
                            None => "()".to_string(),
                        };
                        let answer = match twin_ok {
                            Some(ty) => self.converted("answer", ty, false),
                            None => "answer".to_string(),
                        };
                        (
                            format!("Result<{ok_type}, {}>", hosts.trappable_error.rust_type),
                            answer,
                        )
                    }
                    (_, Some(ty), Some(twin_ty)) => (
                        format!("wasmtime::Result<{}>", old.owned_type(ty, older.bindings)?),
                        self.converted("answer", twin_ty, false),
                    ),
                    _ => ("wasmtime::Result<()>".to_string(), "answer".to_string()),
                };
                writeln!(
                    out,
                    "    fn {ident}(&mut self{params}) -> {result} {{\n        let answer = <Self as {new_path}::Host>::{ident}(self, {})?;\n        Ok({answer})\n    }}",
                    args.join(", ")
                )?;
            }
            writeln!(out, "}}\n")?;
        }
        out.push_str(CONVERT);
        Ok(out)
    }

    /// Whether `function` answers `result<_, error>` with the contract's `types.error`, so
    /// that a call can be refused in its terms.
    fn answers_contract_error(&self, function: &Function) -> bool {
        let error = TrappableError {
            interface: "types",
            type_name: "error",
            rust_type: "",
        };
        function
            .result
            .is_some_and(|ty| self.trappable_ok(ty, &error).is_some())
    }

    /// For a `result<T, E>` whose `E` is `error`'s WIT type: `Some(T)`.
    fn trappable_ok(&self, ty: Type, error: &TrappableError<'_>) -> Option<Option<Type>> {
        let Type::Id(id) = self.unalias(ty) else {
            return None;
        };
        let TypeDefKind::Result(result) = &self.resolve.types[id].kind else {
            return None;
        };
        let Type::Id(err) = self.unalias(result.err?) else {
            return None;
        };
        let err = &self.resolve.types[err];
        let wit_parser::TypeOwner::Interface(owner) = err.owner else {
            return None;
        };
        let named = err.name.as_deref() == Some(error.type_name)
            && self.resolve.interfaces[owner].name.as_deref() == Some(error.interface);
        named.then_some(result.ok)
    }
}

/// What the older contract has of a function of this one.
#[derive(Clone, Copy)]
enum OlderTwin<'a> {
    /// The same function, of the same shape: called with its values converted.
    Same(&'a Function),
    /// The function with another shape: a hand-written adapter calls it.
    Changed,
    /// No such function: it is new since the older contract.
    Missing,
}

/// How the host implements the older world's imports.
pub struct ImportHosts<'a> {
    /// The Rust type implementing each interface's `Host`, by interface name.
    pub host_types: &'a [(&'a str, &'a str)],
    /// The WIT error type both versions' bindings map to one Rust type
    /// (wasmtime's `trappable_error_type`).
    pub trappable_error: TrappableError<'a>,
}

/// A WIT error type the bindings map to a Rust type of the host's.
pub struct TrappableError<'a> {
    /// The interface defining it (`types`).
    pub interface: &'a str,
    /// Its WIT name (`error`).
    pub type_name: &'a str,
    /// The Rust type (`crate::runtime::imports::ImportError`).
    pub rust_type: &'a str,
}

/// Between the two versions' bindings: through the one JSON form both share.
const CONVERT: &str = "/// A value of one version's bindings as the other's: the records are the same, and both\n/// have the one JSON form.\n#[allow(dead_code)]\npub fn convert<A: serde::Serialize + ?Sized, B: serde::de::DeserializeOwned>(value: &A) -> wasmtime::Result<B> {\n    let json = serde_json::to_value(value).map_err(|err| wasmtime::Error::msg(format!(\"a value for the older plugin: {err}\")))?;\n    serde_json::from_value(json).map_err(|err| wasmtime::Error::msg(format!(\"a value of the older plugin: {err}\")))\n}\n\n";
