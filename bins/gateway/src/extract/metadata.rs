//! The `metadata[key]=value` filter of a list (`roster_core::metadata`): an OpenAPI
//! `deepObject` query parameter, read from the query string beside the list's other
//! parameters. A bad key or value is a 400 naming `metadata[key]`.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use roster_core::metadata::{self, MetadataFilter};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::Required;
use utoipa::IntoParams;

use crate::error::ApiError;

/// A list's metadata filter; empty when the query has no `metadata[…]` parameter.
#[derive(Debug, Default)]
pub struct MetadataQuery(pub MetadataFilter);

impl FromRequest for MetadataQuery {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let query = req.query_string();
        ready(super::refuse_nul_in_query(query).and_then(|()| {
            let pairs: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
            MetadataFilter::parse(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
                .map(MetadataQuery)
                .map_err(ApiError)
        }))
    }
}

impl IntoParams for MetadataQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("metadata")
            .parameter_in(ParameterIn::Query)
            .required(Required::False)
            .style(Some(ParameterStyle::DeepObject))
            .explode(Some(true))
            .description(Some(
                "Only those whose metadata holds every pair given, as \
                 `metadata[plan]=pro&metadata[region]=eu` (both must match).",
            ))
            .schema(Some(metadata::filter_schema()))
            .build()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameter_is_a_deep_object_of_strings() {
        let params = MetadataQuery::into_params(|| None);
        let json = serde_json::to_value(&params[0]).unwrap();
        assert_eq!(json["in"], "query");
        assert_eq!(json["style"], "deepObject");
        assert_eq!(json["explode"], true);
        assert_eq!(json["schema"]["type"], "object");
        assert_eq!(json["schema"]["additionalProperties"]["type"], "string");
    }
}
