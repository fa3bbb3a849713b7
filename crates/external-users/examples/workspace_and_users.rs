//! External users without HTTP: creates an org with its external-users workspace and an
//! API key, a channel and a tier, then external users; searches them, pages through them
//! and blocks one, on the database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-external-users --example workspace_and_users`

use roster_core::etag::Precondition;
use roster_core::page::Paging;
use roster_core::search::SearchTerm;
use roster_external_users::paging::PageRequest;
use roster_external_users::users::{
    self, ExternalUserChanges, ExternalUserFilter, NewExternalUser,
};
use roster_external_users::{channels, tiers, workspaces};
use roster_identity::quickstart::{self, Result};

#[tokio::main]
async fn main() -> Result<()> {
    let (mut conn, org) = quickstart::connect_with_org("external", "Example External Org").await?;

    // What `roster-gateway bootstrap` does for the external family: the org's first
    // workspace (created as `Default`) and a fresh API key. The key's secret is shown
    // only here, to be handed to whoever calls the external API: never print or log it.
    let (workspace, key) = workspaces::bootstrap(&mut conn, org.id.as_str()).await?;
    println!("workspace {} ({})", workspace.name, workspace.id);
    println!(
        "API key {:?} ({}), secret {}_… not shown",
        key.key.name,
        key.key.id,
        workspaces::API_KEY_PREFIX
    );
    let holder = workspaces::authenticate_key(&mut conn, &key.secret).await?;
    println!(
        "the key authenticates: workspace {}, key {}",
        holder.workspace_id, holder.key_id
    );
    let keys = workspaces::list_keys(
        &mut conn,
        org.id.as_str(),
        workspace.id,
        &Paging::Offset { page: 1, size: 10 },
    )
    .await?;
    println!("the workspace has {} API key(s)", keys.total_count);

    // Everything else lives inside the workspace.
    let channel = channels::create(&mut conn, workspace.id, "Website chat").await?;
    println!("created channel {} ({})", channel.name, channel.id);
    let gold = tiers::create(&mut conn, workspace.id, "Gold").await?;
    println!("created tier {} ({})", gold.name, gold.id);

    let people = [
        ("Ada Lovelace", "ada@example.com", Some("crm-1")),
        ("Grace Hopper", "grace@example.com", Some("crm-2")),
        ("Alan Turing", "alan@example.com", None),
        ("Barbara Liskov", "barbara@example.com", None),
        ("Donald Knuth", "donald@example.com", Some("crm-5")),
    ];
    let mut created = Vec::new();
    for (i, (name, identifier, external_id)) in people.into_iter().enumerate() {
        let new = NewExternalUser {
            channel_id: channel.id,
            external_id: external_id.map(str::to_owned),
            external_user_group_id: None,
            identifier: Some(identifier.to_owned()),
            name: Some(name.to_owned()),
            // Every other user is on the Gold tier.
            tier_id: (i % 2 == 0).then_some(gold.id),
            metadata: Default::default(),
        };
        let user = users::create(&mut conn, workspace.id, new).await?;
        println!(
            "created external user {} <{}> ({})",
            name, identifier, user.id
        );
        created.push(user);
    }

    // A case-insensitive search in names, identifiers and external references.
    let search = ExternalUserFilter {
        search: SearchTerm::parse(Some("GRACE"))?,
        ..ExternalUserFilter::default()
    };
    let found = users::list(&mut conn, workspace.id, &search, PageRequest::default()).await?;
    for user in &found.items {
        println!(
            "matching \"GRACE\": {} <{}>",
            user.name.as_deref().unwrap_or("-"),
            user.identifier.as_deref().unwrap_or("-")
        );
    }
    let on_gold = ExternalUserFilter {
        tier_ids: vec![gold.id],
        ..ExternalUserFilter::default()
    };
    let listed = users::list(&mut conn, workspace.id, &on_gold, PageRequest::default()).await?;
    println!("{} external users on {}", listed.total, gold.name);

    // The external family pages by number (`pageNumber`, `pageSize`), oldest first, with
    // the total beside the page: ask for the next number until the total is reached.
    let everyone = ExternalUserFilter::default();
    let mut page = PageRequest::new(Some(1), Some(2))?;
    loop {
        let listed = users::list(&mut conn, workspace.id, &everyone, page).await?;
        let names: Vec<&str> = listed
            .items
            .iter()
            .map(|u| u.name.as_deref().unwrap_or("-"))
            .collect();
        println!(
            "page {} of {} users: {}",
            page.number,
            listed.total,
            names.join(", ")
        );
        if page.offset() + page.size >= listed.total {
            break;
        }
        page = PageRequest::new(Some(page.number + 1), Some(page.size))?;
    }

    let blocked = ExternalUserChanges {
        blocked: Some(true),
        ..ExternalUserChanges::default()
    };
    let alan = &created[2];
    let alan = users::update(
        &mut conn,
        workspace.id,
        alan.id,
        blocked,
        &Precondition::None,
    )
    .await?;
    println!(
        "blocked {}: blocked = {}",
        alan.name.as_deref().unwrap_or("-"),
        alan.blocked
    );
    let again = users::get(&mut conn, workspace.id, alan.id).await?;
    println!(
        "read back {}: blocked = {}",
        again.name.as_deref().unwrap_or("-"),
        again.blocked
    );
    Ok(())
}
