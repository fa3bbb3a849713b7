//! Slack user linking without HTTP: creates an org and users, registers a Slack
//! workspace, links Slack users to the users (by a link token, as the `link` slash
//! command does, and directly, as the end of the OpenID Connect flow does), lists the
//! links, reads one as the bot does and removes one, on the database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-slack --example link_users`

use diesel_async::AsyncPgConnection;
use roster_identity::auth::Principal;
use roster_identity::quickstart::{self, Result};
use roster_identity::{OrgId, Role};
use roster_slack::link_token::{self, LinkSubject};
use roster_slack::links::{self, Relink, SlackIdentity, Target, Unlinker};
use roster_slack::workspaces::{self, NewWorkspace};
use roster_slack::{SlackUserId, TeamId};

#[tokio::main]
async fn main() -> Result<()> {
    // A Slack team of its own too, so that the example runs again on the same database
    // (a Slack team belongs to one org only).
    let run = std::process::id();
    let (mut conn, org) = quickstart::connect_with_org("slack", "Example Slack Org").await?;
    let ada =
        quickstart::principal(&mut conn, &org.id, "Ada Lovelace", "ada", Role::AppAdmin).await?;
    let grace =
        quickstart::principal(&mut conn, &org.id, "Grace Hopper", "grace", Role::AppMember).await?;
    let alan =
        quickstart::principal(&mut conn, &org.id, "Alan Turing", "alan", Role::AppMember).await?;

    // Registered by hand (an OAuth install would also bring a bot token, sealed).
    let team_id = TeamId::parse(&format!("TEX{run}")).ok_or("a Slack team id")?;
    let new = NewWorkspace {
        team_id: team_id.clone(),
        team_name: "Example Team".to_owned(),
        enterprise_id: None,
        installed_by: Some(ada.user.id.clone()),
    };
    let workspace = workspaces::register(&mut conn, &org.id, new).await?;
    println!(
        "registered Slack workspace {} ({}), confirmed: {}",
        workspace.team_name, workspace.team_id, workspace.confirmed
    );

    // 1. By link token. A Slack user runs `/roster link`: the bot signs a short-lived,
    // single-use token for them (the gateway's key is derived from `ROSTER_SECRET`; here
    // a random master secret stands in for it).
    let key = link_token::key(&roster_core::secret::random_bytes::<32>());
    let grace_in_slack = SlackUserId::parse("U0GRACE").ok_or("a Slack user id")?;
    let subject = LinkSubject {
        org_id: org.id.clone(),
        team_id: team_id.clone(),
        slack_user_id: grace_in_slack.clone(),
        enterprise_id: None,
        username: Some("grace".to_owned()),
    };
    let now = roster_core::time::now().unix_timestamp();
    let token = link_token::issue(&key, &subject, now, link_token::DEFAULT_LIFETIME_SECS);
    println!("issued a link token for Slack user {grace_in_slack}");
    // The signed-in user redeems it: checked, then recorded so it works once only.
    let verified = link_token::verify(&key, &token, now)?;
    let link = links::redeem(&mut conn, &verified, &grace, &grace.user.id, Relink::Refuse).await?;
    println!(
        "{} redeemed it: Slack user {} is linked ({})",
        grace.user.name, link.slack_user_id, link.id
    );
    match links::redeem(&mut conn, &verified, &grace, &grace.user.id, Relink::Refuse).await {
        Err(used) => println!("redeeming it again is refused: {used}"),
        Ok(_) => return Err("a link token worked twice".into()),
    }

    // 2. Directly: once Slack's OpenID Connect said who the Slack user is.
    for (who, slack_user, username) in [(&alan, "U0ALAN", "alan"), (&ada, "U0ADA", "ada")] {
        let identity = SlackIdentity {
            team_id: team_id.clone(),
            user_id: SlackUserId::parse(slack_user).ok_or("a Slack user id")?,
            enterprise_id: None,
            username: Some(username.to_owned()),
            email: Some(who.user.email.clone()),
        };
        let link = links::link(&mut conn, &org.id, &who.user.id, &identity, Relink::Refuse).await?;
        println!(
            "linked Slack user {} to {} ({})",
            link.slack_user_id, who.user.name, link.id
        );
    }

    print_links(&mut conn, &org.id, &team_id, &[&ada, &grace, &alan]).await?;

    // The bot asks who a Slack user is (and records that the link was used).
    let found = links::find_and_touch(&mut conn, &org.id, &team_id, &grace_in_slack).await?;
    if let Some(link) = found {
        println!(
            "Slack user {} is user {}, last used at {:?}",
            link.slack_user_id, link.user_id, link.last_used_at
        );
    }

    // Users remove their own links; only an AppAdmin removes someone else's.
    let alans = Target {
        user_id: Some(alan.user.id.clone()),
        ..Target::default()
    };
    match links::unlink(&mut conn, &org.id, &alans, &Unlinker::from(&grace)).await {
        Err(refused) => println!(
            "{} may not unlink {}: {refused}",
            grace.user.name, alan.user.name
        ),
        Ok(_) => return Err("a member removed someone else's link".into()),
    }
    let removed = links::unlink(&mut conn, &org.id, &alans, &Unlinker::from(&ada)).await?;
    for link in &removed {
        println!(
            "{} unlinked Slack user {} from {}",
            ada.user.name, link.slack_user_id, alan.user.name
        );
    }

    print_links(&mut conn, &org.id, &team_id, &[&ada, &grace, &alan]).await?;
    Ok(())
}

/// Prints the links of the workspace, oldest first.
async fn print_links(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &TeamId,
    people: &[&Principal],
) -> Result<()> {
    let links = links::of_team(conn, org_id, team_id).await?;
    println!("{} link(s) in {team_id}:", links.len());
    for link in links {
        let name = people
            .iter()
            .find(|p| p.user.id == link.user_id)
            .map_or("?", |p| p.user.name.as_str());
        println!("  Slack user {} -> {name}", link.slack_user_id);
    }
    Ok(())
}
