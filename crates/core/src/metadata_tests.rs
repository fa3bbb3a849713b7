use serde_json::json;

use super::*;

fn raw(value: Value) -> RawMetadata {
    match value {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}

fn fields(err: DomainError) -> Vec<String> {
    match err {
        DomainError::BadRequest { errors, .. } => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a 400: {other}"),
    }
}

#[test]
fn values_are_set_and_blank_ones_left_out() {
    let m = Metadata::parse("metadata", raw(json!({"plan": "pro", "a": null, "b": ""}))).unwrap();
    assert_eq!(m, Metadata::from([("plan", "pro")]));
}

#[test]
fn every_bound_is_a_400_naming_the_key() {
    let key41 = "k".repeat(41);
    let cases = [
        (json!({ key41.clone(): "v" }), format!("metadata.{key41}")),
        (json!({"bad key": "v"}), "metadata.bad key".to_owned()),
        (json!({"plan": "x".repeat(501)}), "metadata.plan".to_owned()),
        (json!({"n": 3}), "metadata.n".to_owned()),
        (json!({"o": {"a": "b"}}), "metadata.o".to_owned()),
        (json!({"c": "a\u{1}b"}), "metadata.c".to_owned()),
        (json!({"z": "a\u{0}b"}), "metadata.z".to_owned()),
    ];
    for (body, field) in cases {
        let err = Metadata::parse("metadata", raw(body.clone())).unwrap_err();
        assert_eq!(fields(err), vec![field], "{body}");
    }
    let tab = Metadata::parse("metadata", raw(json!({"t": "a\tb\nc"})));
    assert!(tab.is_ok(), "tab and newline are text");
    let ok = Metadata::parse("metadata", raw(json!({ "k".repeat(40): "é".repeat(500) })));
    assert!(ok.is_ok());
}

#[test]
fn the_51st_key_is_named() {
    let mut map = RawMetadata::new();
    for i in 0..51 {
        map.insert(format!("k{i:02}"), json!("v"));
    }
    let err = Metadata::parse("metadata", map.clone()).unwrap_err();
    assert_eq!(fields(err), vec!["metadata.k50"]);
    map.remove("k50");
    assert_eq!(Metadata::parse("metadata", map).unwrap().len(), 50);
}

#[test]
fn merges_set_and_remove() {
    let update =
        MetadataUpdate::merge("metadata", raw(json!({"a": "1", "b": null, "c": ""}))).unwrap();
    assert_eq!(
        update.into_parts(),
        (
            false,
            Metadata::from([("a", "1")]),
            vec!["b".into(), "c".into()]
        )
    );
    let update = MetadataUpdate::replace("metadata", raw(json!({"a": "1", "b": null}))).unwrap();
    assert_eq!(
        update.into_parts(),
        (true, Metadata::from([("a", "1")]), vec![])
    );
}

#[test]
fn filters_take_metadata_pairs_and_name_bad_keys() {
    let f = MetadataFilter::parse([
        ("metadata[plan]", "pro"),
        ("page", "2"),
        ("metadata[x]", "1"),
    ])
    .unwrap();
    assert_eq!(
        f.contained(),
        &Metadata::from([("plan", "pro"), ("x", "1")])
    );
    assert!(MetadataFilter::parse([("search", "a")]).unwrap().is_empty());
    let err = MetadataFilter::parse([("metadata[bad key]", "v")]).unwrap_err();
    assert_eq!(fields(err), vec!["metadata[bad key]"]);
    let err = MetadataFilter::parse([("metadata[]", "v")]).unwrap_err();
    assert_eq!(fields(err), vec!["metadata[]"]);
    let err = MetadataFilter::parse([("metadata[a]", "1"), ("metadata[a]", "2")]).unwrap_err();
    assert_eq!(fields(err), vec!["metadata[a]"]);
}

#[test]
fn schemas_state_the_bounds() {
    let json = serde_json::to_value(schema()).unwrap();
    assert_eq!(json["maxProperties"], 50);
    assert_eq!(json["propertyNames"]["pattern"], KEY_PATTERN);
    assert_eq!(json["additionalProperties"]["maxLength"], 500);
    let merge = serde_json::to_value(merge_schema()).unwrap();
    assert_eq!(
        merge["additionalProperties"]["type"],
        json!(["string", "null"])
    );
}
