//! Who made a change, and in which request: a task-local context that the gateway sets
//! per request (its middleware the request id, its credential extractors the actor), so
//! that domain functions emit events without taking them as parameters. Work moved onto
//! another task carries it over with [`EventContext::scope`]; outside any scope (the CLI,
//! library callers, background tasks) the actor is `system`.

use std::cell::RefCell;
use std::future::Future;

use serde::Serialize;
use utoipa::ToSchema;

/// What kind of caller made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActorType {
    /// A user, by API token or session: `id` is the user's id in the org.
    User,
    /// An external-users workspace API key: `id` is the key's id.
    ApiKey,
    /// Slack (a slash command, an OAuth callback).
    Slack,
    /// A SCIM client.
    Scim,
    /// Roster itself, the CLI, or a library caller.
    #[default]
    System,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::ApiKey => "api_key",
            Self::Slack => "slack",
            Self::Scim => "scim",
            Self::System => "system",
        }
    }

    /// Reads a stored value; anything unknown reads as `system`.
    pub fn from_stored(raw: &str) -> Self {
        match raw {
            "user" => Self::User,
            "api_key" => Self::ApiKey,
            "slack" => Self::Slack,
            "scim" => Self::Scim,
            _ => Self::System,
        }
    }
}

/// Who made a change: `{"type": "user", "id": "user_…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, ToSchema)]
pub struct Actor {
    #[serde(rename = "type")]
    pub kind: ActorType,
    pub id: Option<String>,
}

impl Actor {
    pub fn new(kind: ActorType, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: Some(id.into()),
        }
    }

    pub fn system() -> Self {
        Self::default()
    }
}

/// The request and actor events are emitted for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventContext {
    pub request_id: Option<String>,
    pub actor: Actor,
}

tokio::task_local! {
    static CONTEXT: RefCell<EventContext>;
}

impl EventContext {
    /// The context of the running task; outside any scope, `system` with no request.
    pub fn current() -> Self {
        CONTEXT.try_with(|c| c.borrow().clone()).unwrap_or_default()
    }

    /// Runs `work` with this context (a request, or work carried onto another task).
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CONTEXT.scope(RefCell::new(self), work).await
    }

    /// Names the actor of the running scope (a credential extractor, once it knows the
    /// caller); nothing outside a scope.
    pub fn set_actor(actor: Actor) {
        let _ = CONTEXT.try_with(|c| c.borrow_mut().actor = actor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_scope_carries_the_request_and_the_actor_set_within_it() {
        assert_eq!(EventContext::current(), EventContext::default());
        let request = EventContext {
            request_id: Some("req-1".into()),
            actor: Actor::system(),
        };
        let seen = request
            .scope(async {
                EventContext::set_actor(Actor::new(ActorType::User, "user_0000000000000001"));
                tokio::task::yield_now().await;
                EventContext::current()
            })
            .await;
        assert_eq!(seen.request_id.as_deref(), Some("req-1"));
        assert_eq!(seen.actor.kind, ActorType::User);
        assert_eq!(EventContext::current(), EventContext::default());
        EventContext::set_actor(Actor::new(ActorType::User, "ignored"));
        assert_eq!(EventContext::current().actor, Actor::system());
    }
}
