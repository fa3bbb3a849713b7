//! No query parameter and no string in a JSON body takes a NUL character (PostgreSQL
//! stores none; the extractors refuse it, 400 naming the field): the document says so in
//! the pattern of every such string that has no stricter pattern of its own.

use std::collections::BTreeSet;

use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Object, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// Any text without NUL.
pub const NO_NUL: &str = r"^[^\u0000]*$";

pub fn add(doc: &mut OpenApi) {
    let mut named = Vec::new();
    for (_, op) in super::operations_mut(doc) {
        let params = op.parameters.iter_mut().flatten();
        for param in params.filter(|p| p.parameter_in == ParameterIn::Query) {
            if let Some(RefOr::T(Schema::Object(object))) = param.schema.as_mut() {
                refuse_nul(object);
            }
        }
        let bodies = op
            .request_body
            .iter_mut()
            .flat_map(|b| b.content.iter_mut());
        for (_, content) in bodies.filter(|(kind, _)| kind.as_str() == "application/json") {
            match content.schema.as_mut() {
                Some(RefOr::Ref(r)) => named.push(component_name(&r.ref_location)),
                Some(RefOr::T(schema)) => visit(schema, &mut named),
                None => {}
            }
        }
    }
    // The components a JSON body reaches, each once (SCIM's bodies are not JSON's
    // extractor's, and keep their own schemas).
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let mut seen = BTreeSet::new();
    while let Some(name) = named.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(RefOr::T(schema)) = components.schemas.get_mut(&name) {
            visit(schema, &mut named);
        }
    }
}

/// A string (or string-or-null) with no pattern or enum of its own takes no NUL.
fn refuse_nul(object: &mut Object) {
    let string = match &object.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    };
    let free = object.pattern.is_none() && object.enum_values.is_none();
    if string && free {
        object.pattern = Some(NO_NUL.to_owned());
    }
}

fn component_name(location: &str) -> String {
    location.rsplit('/').next().unwrap_or(location).to_owned()
}

/// Marks every string within `schema` ([`refuse_nul`]), and collects the components it
/// names into `named` (not followed here).
fn visit(schema: &mut Schema, named: &mut Vec<String>) {
    let mut within = |r: &mut RefOr<Schema>| match r {
        RefOr::Ref(r) => named.push(component_name(&r.ref_location)),
        RefOr::T(s) => visit(s, named),
    };
    match schema {
        Schema::Object(object) => {
            refuse_nul(object);
            object.properties.values_mut().for_each(&mut within);
            if let Some(AdditionalProperties::RefOr(r)) =
                object.additional_properties.as_deref_mut()
            {
                within(r);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                within(items);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(within),
        Schema::AllOf(all) => all.items.iter_mut().for_each(within),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(within),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn free_text_query_parameters_refuse_nul() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let params = &doc["paths"]["/work-apps/slack/install"]["get"]["parameters"];
        let tenant = params
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "tenantId")
            .unwrap();
        assert_eq!(tenant["schema"]["pattern"], super::NO_NUL);
        // A stricter pattern of its own stays.
        let search = doc["paths"]["/api/v1/app/user"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "search")
            .unwrap()
            .clone();
        assert_ne!(search["schema"]["pattern"], super::NO_NUL);
    }

    #[test]
    fn strings_of_json_bodies_refuse_nul() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (schema, field) in [
            ("AddGroupMemberRequest", "user_id"),
            ("SignInRequest", "password"),
            ("CreateUserRequest", "account_id"),
        ] {
            let pattern = &schemas[schema]["properties"][field]["pattern"];
            assert_eq!(pattern, super::NO_NUL, "{schema}.{field}");
        }
        let members = &schemas["CreateOrgGroupRequest"]["properties"]["members"]["items"];
        assert_eq!(members["pattern"], super::NO_NUL);
        // A stricter pattern of its own stays.
        let name = &schemas["CreateOrgGroupRequest"]["properties"]["display_name"]["pattern"];
        assert_ne!(name, super::NO_NUL);
    }
}
