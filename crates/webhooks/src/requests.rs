//! The bodies of the endpoint routes, checked into what `endpoints` takes.

use roster_core::error::FieldErrors;
use roster_core::events::TypeFilter;
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

/// The longest description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// The most names in `events`.
pub const MAX_EVENT_FILTERS: usize = 100;

/// `POST /api/v1/app/webhooks`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: an absolute https URL of a public host.
    #[schema(example = "https://hooks.example.com/roster", max_length = 2000)]
    pub url: String,
    /// The event types to send (`user.*`: every type under `user.`); absent or null: all.
    #[schema(max_items = 100, min_items = 1)]
    pub events: Option<Vec<TypeFilter>>,
    #[schema(max_length = 500)]
    pub description: Option<String>,
}

/// `PATCH /api/v1/app/webhooks/{id}`: only the fields sent change; `null` clears
/// `events` (every event) or `description`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<Vec<TypeFilter>>, max_items = 100, min_items = 1)]
    pub events: Option<Option<Vec<TypeFilter>>>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    /// Turns delivery off or back on.
    pub enabled: Option<bool>,
}

/// An endpoint to create (its URL checked by `endpoints::create`).
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: String,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
}

/// Changes to an endpoint; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub events: Option<Option<Vec<String>>>,
    pub description: Option<Option<String>>,
    pub enabled: Option<bool>,
}

fn events(raw: Vec<TypeFilter>) -> Result<Vec<String>, DomainError> {
    if raw.is_empty() {
        return Err(DomainError::invalid(
            "events",
            "must name at least one event type (leave it out for every event)",
        ));
    }
    if raw.len() > MAX_EVENT_FILTERS {
        return Err(DomainError::invalid(
            "events",
            format!("must name at most {MAX_EVENT_FILTERS} event types"),
        ));
    }
    let mut names: Vec<String> = raw.iter().map(TypeFilter::as_written).collect();
    names.sort();
    names.dedup();
    Ok(names)
}

fn description(raw: Option<String>) -> Result<Option<String>, DomainError> {
    roster_core::text::bounded_opt("description", raw.as_deref(), MAX_DESCRIPTION_CHARS)
}

impl TryFrom<CreateWebhookRequest> for NewEndpoint {
    type Error = DomainError;

    fn try_from(body: CreateWebhookRequest) -> Result<Self, DomainError> {
        let mut errors = FieldErrors::default();
        let events = body.events.and_then(|e| errors.take(events(e)));
        let description = errors.take(description(body.description)).flatten();
        errors.finish()?;
        Ok(Self {
            url: body.url,
            events,
            description,
        })
    }
}

impl TryFrom<UpdateWebhookRequest> for EndpointChanges {
    type Error = DomainError;

    fn try_from(body: UpdateWebhookRequest) -> Result<Self, DomainError> {
        if body.url.is_none()
            && body.events.is_none()
            && body.description.is_none()
            && body.enabled.is_none()
        {
            return Err(DomainError::bad_request(
                "empty_update",
                "the request changes nothing: send at least one field",
            ));
        }
        let mut errors = FieldErrors::default();
        let events = match body.events {
            None => None,
            Some(None) => Some(None),
            Some(Some(e)) => errors.take(events(e)).map(Some),
        };
        let description = match body.description {
            None => None,
            Some(d) => errors.take(description(d)),
        };
        errors.finish()?;
        Ok(Self {
            url: body.url,
            events,
            description,
            enabled: body.enabled,
        })
    }
}
