//! OpenAPI schemas built from the rules validation applies (`Text`, `Email`, `SearchTerm`),
//! so that the document states the bounds the code checks. A request field takes one
//! with `#[schema(schema_with = f)]`, `f` returning a [`StringSchema`]: utoipa then
//! leaves the field's doc comment and attributes out, so its description and example
//! are given here too.

use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

/// The schema of a string field.
#[derive(Clone)]
pub struct StringSchema(Object);

impl StringSchema {
    /// `min` (none when 0) to `max` characters.
    pub fn new(min: usize, max: usize) -> Self {
        Self(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(max))
                .min_length((min > 0).then_some(min))
                .build(),
        )
    }

    /// Text matching `pattern`.
    pub fn matching(pattern: impl Into<String>) -> Self {
        Self(ObjectBuilder::new().schema_type(Type::String).build()).pattern(pattern)
    }

    /// An email address of `min` to `max` characters.
    pub fn email(min: usize, max: usize) -> Self {
        let mut schema = Self::new(min, max);
        schema.0.format = Some(SchemaFormat::KnownFormat(KnownFormat::Email));
        schema
    }

    pub fn pattern(mut self, pattern: impl Into<String>) -> Self {
        self.0.pattern = Some(pattern.into());
        self
    }

    /// `null` is taken too.
    pub fn nullable(mut self) -> Self {
        self.0.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.0.description = Some(description.into());
        self
    }

    pub fn example(mut self, example: &str) -> Self {
        self.0.example = Some(example.into());
        self
    }
}

impl From<StringSchema> for RefOr<Schema> {
    fn from(schema: StringSchema) -> Self {
        RefOr::T(Schema::from(schema))
    }
}

impl From<StringSchema> for Schema {
    fn from(schema: StringSchema) -> Self {
        Schema::Object(schema.0)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::text::{Email, Text};

    fn json(schema: StringSchema) -> Value {
        serde_json::to_value(RefOr::<Schema>::from(schema)).unwrap()
    }

    #[test]
    fn text_schemas_state_the_rules_bounds_and_pattern() {
        let controls = crate::text::Controls::AllButTabAndNewline;
        let (pattern, optional) = (
            controls.pattern_trimmed(3, false),
            controls.pattern_trimmed(3, true),
        );
        let rule = Text::new(3, 50);
        assert_eq!(
            json(
                rule.schema()
                    .description("3 to 50 characters.")
                    .example("Gold")
            ),
            json!({"type": "string", "description": "3 to 50 characters.", "example": "Gold",
                   "maxLength": 50, "minLength": 3, "pattern": pattern})
        );
        assert_eq!(
            json(rule.schema().nullable()),
            json!({"type": ["string", "null"], "maxLength": 50, "minLength": 3, "pattern": pattern})
        );
        assert_eq!(
            json(rule.schema_opt()),
            json!({"type": ["string", "null"], "maxLength": 50, "pattern": optional})
        );
    }

    #[test]
    fn patterned_schemas_have_no_bounds() {
        assert_eq!(
            json(StringSchema::matching("^a+$").nullable().example("aa")),
            json!({"type": ["string", "null"], "example": "aa", "pattern": "^a+$"})
        );
    }

    #[test]
    fn email_schemas_have_the_email_format() {
        assert_eq!(
            json(Email::schema()),
            json!({"type": "string", "format": "email", "maxLength": 254, "minLength": 3})
        );
    }
}
