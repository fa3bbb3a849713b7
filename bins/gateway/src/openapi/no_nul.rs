//! No query parameter takes a NUL character (PostgreSQL stores none; the query extractors
//! refuse it, 400 naming the parameter): the document says so in the pattern of every
//! string query parameter that has no stricter pattern of its own.

use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::schema::{SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// Any text without NUL.
pub const NO_NUL: &str = r"^[^\u0000]*$";

pub fn add(doc: &mut OpenApi) {
    for (_, op) in super::operations_mut(doc) {
        let params = op.parameters.iter_mut().flatten();
        for param in params.filter(|p| p.parameter_in == ParameterIn::Query) {
            if let Some(RefOr::T(Schema::Object(object))) = param.schema.as_mut() {
                let string = matches!(&object.schema_type, SchemaType::Type(Type::String));
                if string && object.pattern.is_none() && object.enum_values.is_none() {
                    object.pattern = Some(NO_NUL.to_owned());
                }
            }
        }
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
}
