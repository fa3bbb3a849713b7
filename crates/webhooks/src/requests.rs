//! The bodies of the endpoint routes, checked into what `endpoints` takes.

use roster_core::error::FieldErrors;
use roster_core::events::TypeFilter;
use roster_core::schema::StringSchema;
use roster_core::text::Text;
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

/// An endpoint's description.
const DESCRIPTION: Text = Text::new(1, 500);

fn description_schema() -> StringSchema {
    DESCRIPTION.schema_opt()
}

fn url_schema() -> StringSchema {
    StringSchema::new(1, crate::target::MAX_URL_CHARS).example("https://hooks.example.com/roster")
}
/// The most names in `events`.
pub const MAX_EVENT_FILTERS: usize = 100;

/// `POST /api/v1/app/webhooks`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where events are POSTed: an absolute https URL of a public host.
    #[schema(schema_with = url_schema)]
    pub url: String,
    /// The event types to send (`user.*`: every type under `user.`); absent or null: all.
    #[schema(max_items = 100, min_items = 1)]
    pub events: Option<Vec<TypeFilter>>,
    #[schema(schema_with = description_schema)]
    pub description: Option<String>,
}

/// `PATCH /api/v1/app/webhooks/{id}`: only the fields sent change; `null` clears
/// `events` (every event) or `description`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[schema(schema_with = url_schema)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "roster_core::patch::nullable")]
    #[schema(value_type = Option<Vec<TypeFilter>>, max_items = 100, min_items = 1)]
    pub events: Option<Option<Vec<TypeFilter>>>,
    #[serde(default, deserialize_with = "roster_core::patch::nullable")]
    #[schema(schema_with = description_schema)]
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
    DESCRIPTION.parse_opt("description", raw.as_deref())
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
            return Err(roster_core::patch::empty_update());
        }
        let mut errors = FieldErrors::default();
        let events = match body.events {
            None => None,
            Some(None) => Some(None),
            Some(Some(e)) => errors.take(events(e)).map(Some),
        };
        let description = roster_core::patch::parse(&mut errors, body.description, description);
        errors.finish()?;
        Ok(Self {
            url: body.url,
            events,
            description,
            enabled: body.enabled,
        })
    }
}
