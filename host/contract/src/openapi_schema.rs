//! The building blocks the generated OpenAPI schemas of WIT records are made of (see
//! `helpdesk-wit-codegen`): one function per WIT shape, so generated code stays small.

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr};

/// `bool`.
pub fn boolean() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Boolean).into()
}

/// An unsigned integer of 32 or 64 bits.
pub fn unsigned(bits: u8) -> RefOr<Schema> {
    integer(bits).minimum(Some(0)).into()
}

/// A signed integer of 32 or 64 bits.
pub fn signed(bits: u8) -> RefOr<Schema> {
    integer(bits).into()
}

fn integer(bits: u8) -> ObjectBuilder {
    let format = if bits > 32 {
        KnownFormat::Int64
    } else {
        KnownFormat::Int32
    };
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(format)))
}

/// A floating-point number.
pub fn number() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::Number).into()
}

/// A string.
pub fn string() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).into()
}

/// A list of `items`.
pub fn array(items: RefOr<Schema>) -> RefOr<Schema> {
    RefOr::T(Schema::Array(ArrayBuilder::new().items(items).build()))
}

/// An `option`: the schema, or `null`.
pub fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(Object::with_type(Type::Null))
        .into()
}

/// A named WIT type, described once under `components.schemas`.
pub fn reference(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

/// `schema` with a description (a record field's doc).
pub fn described(schema: RefOr<Schema>, description: Option<&str>) -> RefOr<Schema> {
    let Some(description) = description else { return schema };
    match schema {
        RefOr::Ref(mut reference) => {
            reference.description = description.to_string();
            RefOr::Ref(reference)
        }
        RefOr::T(Schema::Object(mut object)) => {
            object.description = Some(description.to_string());
            RefOr::T(Schema::Object(object))
        }
        RefOr::T(Schema::Array(mut array)) => {
            array.description = Some(description.to_string());
            RefOr::T(Schema::Array(array))
        }
        RefOr::T(Schema::OneOf(mut one_of)) => {
            one_of.description = Some(description.to_string());
            RefOr::T(Schema::OneOf(one_of))
        }
        other => other,
    }
}

/// A WIT record: an object with every field present (an `option` is `null`, never absent).
pub fn record(description: Option<&str>, fields: Vec<(&str, RefOr<Schema>)>) -> RefOr<Schema> {
    let mut object = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(description)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for (name, schema) in fields {
        object = object.property(name, schema).required(name);
    }
    object.into()
}

/// A WIT enum: one of the case names; the description lists each case's meaning.
pub fn enumeration(description: Option<&str>, cases: &[(&str, Option<&str>)]) -> RefOr<Schema> {
    let listed: Vec<String> = cases
        .iter()
        .map(|(name, doc)| format!("- `{name}`: {}", doc.unwrap_or_default()))
        .collect();
    let text = format!("{}\n\n{}", description.unwrap_or_default(), listed.join("\n"));
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(text.trim().to_string()))
        .enum_values(Some(cases.iter().map(|(name, _)| *name)))
        .into()
}

/// One case of a WIT variant: its name, its doc and its payload's schema, if it has one.
pub type VariantCase<'a> = (&'a str, Option<&'a str>, Option<RefOr<Schema>>);

/// A WIT variant: a case without payload is its name; a case with one is an object with the
/// case name as its only property.
pub fn variant(description: Option<&str>, cases: Vec<VariantCase<'_>>) -> RefOr<Schema> {
    let mut one_of = OneOfBuilder::new().description(description);
    for (name, doc, payload) in cases {
        let case: RefOr<Schema> = match payload {
            None => ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([name]))
                .description(doc)
                .into(),
            Some(payload) => ObjectBuilder::new()
                .schema_type(Type::Object)
                .property(name, payload)
                .required(name)
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
                .description(doc)
                .into(),
        };
        one_of = one_of.item(case);
    }
    one_of.into()
}
