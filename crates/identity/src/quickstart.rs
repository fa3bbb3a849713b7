//! The first steps of a program built on the domain crates, as each crate's example takes
//! them: connect and migrate, an org of its own, and users of it as callers. Each says
//! what it did on stdout, as a walk-through does.

use diesel_async::AsyncPgConnection;
use roster_core::text::{Email, Slug};

use crate::auth::Principal;
use crate::orgs::{self, Org};
use crate::users::{self, NewUser};
use crate::{OrgId, Role};

/// Any error, for a `main` that only reports it.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Connects to `DATABASE_URL`, applies the migrations it lacks, and creates an org named
/// `name` with a slug of its own (`example-{tag}-{process id}`), so that a program runs
/// again on the same database.
pub async fn connect_with_org(tag: &str, name: &str) -> Result<(AsyncPgConnection, Org)> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let (applied, mut conn) = roster_core::migrations::migrate_and_connect(&url).await?;
    let slug = Slug::parse("slug", &format!("example-{tag}-{}", std::process::id()))?;
    let org = orgs::create(&mut conn, &slug, name).await?;
    println!(
        "{} migration(s) applied; created org {} ({})",
        applied.len(),
        org.slug,
        org.id
    );
    Ok((conn, org))
}

/// A new user with only a name, an email at `example.com` and a role.
pub fn new_user(name: &str, local: &str, role: Role) -> Result<NewUser> {
    Ok(NewUser {
        account_id: None,
        role,
        email: Email::parse("email", &format!("{local}@example.com"))?,
        name: name.to_owned(),
        given_name: None,
        family_name: None,
        job_position_name: None,
        job_position_description: None,
        metadata: Default::default(),
    })
}

/// Creates a user of the org (see [`new_user`]) and returns it as the caller the services
/// take.
pub async fn principal(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    name: &str,
    local: &str,
    role: Role,
) -> Result<Principal> {
    let created = users::create(conn, org_id, new_user(name, local, role)?).await?;
    println!(
        "created user {} <{}> as {role:?}",
        created.name, created.email
    );
    let user = users::get(conn, org_id, &created.id).await?;
    Ok(Principal {
        account_id: user.account_id.clone(),
        user,
    })
}
