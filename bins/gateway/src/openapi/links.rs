//! OpenAPI links from each create to what it created: a `POST /x` whose success answer
//! declares the new resource's key links to `GET`, `PUT`, `PATCH` and `DELETE /x/{key}`,
//! with `{key}` taken from that answer and the other path parameters from the request.
//! Clients (and schemathesis' stateful phase) follow them; they are derived from the
//! paths, so a new create and its item routes are linked without a list to keep.

use std::collections::BTreeMap;

use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr, Schema};

/// An item path: its collection's path, its key parameter, and its operations (verb and
/// operation id).
type Item = (String, String, Vec<(&'static str, String)>);

/// Adds the links of every create of `doc`.
pub fn add(doc: &mut OpenApi) {
    let schemas = doc
        .components
        .as_ref()
        .map(|c| c.schemas.clone())
        .unwrap_or_default();
    let paths = &mut doc.paths.paths;
    let items: Vec<Item> = paths
        .iter()
        .filter_map(|(path, item)| {
            let (collection, last) = path.rsplit_once('/')?;
            let key = last.strip_prefix('{')?.strip_suffix('}')?;
            let targets = [
                ("Get", &item.get),
                ("Put", &item.put),
                ("Patch", &item.patch),
                ("Delete", &item.delete),
            ]
            .into_iter()
            .filter_map(|(verb, op)| Some((verb, op.as_ref()?.operation_id.clone()?)))
            .collect();
            Some((collection.to_owned(), key.to_owned(), targets))
        })
        .collect();
    for (collection, key, targets) in items {
        let Some(create) = paths.get_mut(&collection).and_then(|i| i.post.as_mut()) else {
            continue;
        };
        for (status, response) in successes(create) {
            let Some(field) = created_key(&schemas, response, &key) else {
                continue;
            };
            for (verb, operation_id) in &targets {
                let link = parameters(&collection, &key, &field).fold(
                    LinkBuilder::new()
                        .extensions(Some(operation(operation_id)))
                        .description(format!("The resource this {status} created")),
                    |link, (name, value)| link.parameter(name, value),
                );
                response
                    .links
                    .insert(format!("{verb}Created"), RefOr::T(link.build()));
            }
        }
    }
}

/// The link's `operationId`. Written through the extensions: utoipa 5.5 serialises
/// `Link::operation_id` as `operation_id`, which no reader of the document knows.
fn operation(operation_id: &str) -> Extensions {
    Extensions::from_iter([("operationId", operation_id)])
}

/// The inline 2xx answers of an operation.
fn successes(
    op: &mut Operation,
) -> impl Iterator<Item = (&String, &mut utoipa::openapi::Response)> {
    op.responses
        .responses
        .iter_mut()
        .filter(|(status, _)| status.starts_with('2'))
        .filter_map(|(status, r)| match r {
            RefOr::T(response) => Some((status, response)),
            RefOr::Ref(_) => None,
        })
}

/// The field of the answer that names the created resource: the item path's own
/// parameter name if the answer declares it (`user_id`, `teamId`), else `id` if declared.
fn created_key(
    schemas: &BTreeMap<String, RefOr<Schema>>,
    response: &utoipa::openapi::Response,
    key: &str,
) -> Option<String> {
    let content = response.content.values().next()?;
    let schema = content.schema.as_ref()?;
    [key, "id"]
        .into_iter()
        .find(|field| declares(schemas, schema, field, 0))
        .map(str::to_owned)
}

/// Whether a schema (through references and `allOf`) declares the property `field`.
fn declares(
    schemas: &BTreeMap<String, RefOr<Schema>>,
    schema: &RefOr<Schema>,
    field: &str,
    depth: u8,
) -> bool {
    if depth > 8 {
        return false;
    }
    match schema {
        RefOr::Ref(r) => r
            .ref_location
            .rsplit('/')
            .next()
            .and_then(|name| schemas.get(name))
            .is_some_and(|s| declares(schemas, s, field, depth + 1)),
        RefOr::T(Schema::Object(object)) => object.properties.contains_key(field),
        RefOr::T(Schema::AllOf(all)) => all
            .items
            .iter()
            .any(|s| declares(schemas, s, field, depth + 1)),
        RefOr::T(_) => false,
    }
}

/// The item path's parameters: its key from the answer's `field`, the collection's own
/// (`/project/{id}/artifact`) from the request.
fn parameters<'a>(
    collection: &'a str,
    key: &'a str,
    field: &'a str,
) -> impl Iterator<Item = (String, String)> + 'a {
    collection
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| (name.to_owned(), format!("$request.path.{name}")))
        .chain([(key.to_owned(), format!("$response.body#/{field}"))])
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn links(doc: &Value, path: &str, status: &str) -> Value {
        doc["paths"][path]["post"]["responses"][status]["links"].clone()
    }

    #[test]
    fn every_create_links_to_its_item_operations() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        let project = links(&doc, "/api/v1/app/project", "201");
        let names: Vec<&String> = project.as_object().unwrap().keys().collect();
        assert_eq!(names, ["DeleteCreated", "GetCreated", "PutCreated"]);
        assert_eq!(project["GetCreated"]["operationId"], "get_project");
        assert!(project["GetCreated"].get("operation_id").is_none());
        assert_eq!(
            project["GetCreated"]["parameters"],
            serde_json::json!({"id": "$response.body#/id"})
        );
        let artifact = links(&doc, "/api/v1/app/project/{id}/artifact", "201");
        assert_eq!(
            artifact["PatchCreated"]["parameters"],
            serde_json::json!({"id": "$request.path.id", "artifact_id": "$response.body#/id"})
        );
        // The key is the field the item path names when the answer has it.
        let member = links(&doc, "/api/v1/app/project/{id}/member", "201");
        assert_eq!(
            member["DeleteCreated"]["parameters"]["user_id"],
            "$response.body#/user_id"
        );
        // Through `allOf` (a token is its summary and its secret).
        assert!(links(&doc, "/api/v1/app/tokens", "201")["DeleteCreated"].is_object());
        // The external family's creates answer 200.
        assert!(links(&doc, "/api/v1/channels", "200")["GetCreated"].is_object());
        // Every link names an operation of the document.
        let ids: Vec<&Value> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .map(|op| &op["operationId"])
            .collect();
        let item = &doc["paths"]["/api/v1/app/user"]["post"]["responses"]["201"]["links"];
        for link in item.as_object().unwrap().values() {
            assert!(ids.contains(&&link["operationId"]), "{link}");
        }
    }

    #[test]
    fn a_post_that_creates_nothing_links_nowhere() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        // reset-password answers a status, not the `{token}` its sibling path names.
        assert!(links(&doc, "/api/auth/reset-password", "200").is_null());
    }
}
