//! Bodies that need at least one of some optional fields, stated as `anyOf` in the
//! document: the rule the server applies (`user_reference_required`...), which the
//! fields' own schemas cannot say.

use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// (schema, the fields of which at least one must be a string; `null` is absent).
const AT_LEAST_ONE: &[(&str, &[&str])] = &[(
    // roster_external_users::access: 400 `user_reference_required`.
    "AuthenticateRequest",
    &["id", "externalId", "identifier"],
)];

pub fn add(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (name, fields) in AT_LEAST_ONE {
        let Some(schema) = components.schemas.remove(*name) else {
            continue;
        };
        let any = fields.iter().fold(AnyOfBuilder::new(), |any, field| {
            any.item(
                ObjectBuilder::new()
                    .property(*field, ObjectBuilder::new().schema_type(Type::String))
                    .required(*field),
            )
        });
        let all = AllOfBuilder::new().item(schema).item(any).build();
        components
            .schemas
            .insert((*name).to_owned(), RefOr::T(Schema::AllOf(all)));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn authenticate_needs_one_way_to_name_the_user() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let schema = &doc["components"]["schemas"]["AuthenticateRequest"]["allOf"];
        assert_eq!(schema[0]["required"], serde_json::json!(["channelId"]));
        let required: Vec<&serde_json::Value> = schema[1]["anyOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|one| &one["required"][0])
            .collect();
        assert_eq!(required, ["id", "externalId", "identifier"]);
    }
}
