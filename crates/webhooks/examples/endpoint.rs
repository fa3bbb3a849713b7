//! Webhooks without HTTP: creates an org and a webhook endpoint for its `user.*` events,
//! then a user, whose `user.created` event fans out to the endpoint as a pending
//! delivery, and lists endpoints and deliveries, on the database at `DATABASE_URL`.
//! Nothing is sent: the deliverer (`roster_webhooks::deliverer`, run by every gateway)
//! sends pending deliveries, and none runs here.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-webhooks --example endpoint`

use roster_core::events::TypeFilter;
use roster_core::feed::FeedRequest;
use roster_identity::quickstart::{self, Result};
use roster_identity::users;
use roster_identity::Role;
use roster_webhooks::deliveries::{self, DeliveryState};
use roster_webhooks::endpoints;
use roster_webhooks::requests::NewEndpoint;

#[tokio::main]
async fn main() -> Result<()> {
    let (mut conn, org) = quickstart::connect_with_org("webhooks", "Example Webhooks Org").await?;

    // Signing secrets are stored sealed, with a key derived from the master secret (the
    // gateway's `ROSTER_SECRET`; here a random one stands in for it).
    let key = endpoints::sealing_key(&roster_core::secret::random_bytes::<32>());
    // `http` and loopback or private addresses only with `allow_private` (the gateway's
    // `ROSTER_WEBHOOK_ALLOW_PRIVATE`, for development and tests): by default an endpoint
    // must be `https` on a public host.
    let allow_private = true;
    let new = NewEndpoint {
        url: "http://127.0.0.1:9/roster-example".to_owned(),
        events: Some(vec![TypeFilter::parse("events", "user.*")?.as_written()]),
        description: Some("every user event".to_owned()),
    };
    // The secret verifies the signatures of the deliveries: hand it to the receiver,
    // never print or log it.
    let created = endpoints::create(&mut conn, &key, allow_private, org.id.as_str(), new).await?;
    let endpoint = created.endpoint;
    println!(
        "created endpoint {} -> {} for {:?}",
        endpoint.id, endpoint.url, endpoint.events
    );
    let listed =
        endpoints::list(&mut conn, org.id.as_str(), &FeedRequest::parse(None, None)?).await?;
    println!("the org has {} endpoint(s)", listed.data.len());

    // Any write of the org emits its event in its transaction, with one pending delivery
    // per endpoint that subscribes to the event's type.
    let new = quickstart::new_user("Ada Lovelace", "ada", Role::AppMember)?;
    let user = users::create(&mut conn, &org.id, new).await?;
    println!("created user {} <{}> ({})", user.name, user.email, user.id);

    let page = FeedRequest::parse(Some(10), None)?;
    let sent = deliveries::list(&mut conn, org.id.as_str(), &endpoint.id, &page).await?;
    for delivery in &sent.data {
        println!(
            "delivery {} of {} ({}): {:?}, {} attempt(s), next at {:?}",
            delivery.id,
            delivery.event_type,
            delivery.event_id,
            delivery.state,
            delivery.attempts,
            delivery.next_attempt_at
        );
    }
    // `webhook.created` is not a `user.*` event: the endpoint gets `user.created` only.
    let pending = sent
        .data
        .iter()
        .filter(|d| d.event_type == "user.created" && d.state == DeliveryState::pending)
        .count();
    if sent.data.len() != 1 || pending != 1 {
        return Err("expected one pending user.created delivery".into());
    }
    Ok(())
}
