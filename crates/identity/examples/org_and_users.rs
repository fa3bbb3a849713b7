//! An org and its users without HTTP: creates an org and users, lists them, searches
//! them and pages through them with cursors, on the database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-identity --example org_and_users`

use roster_core::page::{Cursor, Paging};
use roster_core::search::SearchTerm;
use roster_core::text::{Email, Slug};
use roster_identity::users::{self, NewUser, UserFilter};
use roster_identity::{orgs, Role};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let (applied, mut conn) = roster_core::migrations::migrate_and_connect(&url).await?;
    println!("migrations applied: {}", applied.len());

    // A slug of its own, so that the example runs again on the same database.
    let slug = Slug::parse("slug", &format!("example-{}", std::process::id()))?;
    let org = orgs::create(&mut conn, &slug, "Example Org").await?;
    println!("created org {} ({})", org.slug, org.id);

    let people = [
        ("Ada Lovelace", "ada", Role::AppAdmin),
        ("Grace Hopper", "grace", Role::AppMember),
        ("Alan Turing", "alan", Role::AppMember),
        ("Barbara Liskov", "barbara", Role::AppMember),
        ("Donald Knuth", "donald", Role::AppMember),
    ];
    for (name, local, role) in people {
        let new = NewUser {
            account_id: None,
            role,
            email: Email::parse("email", &format!("{local}@example.com"))?,
            name: name.to_owned(),
            given_name: None,
            family_name: None,
            job_position_name: None,
            job_position_description: None,
            metadata: Default::default(),
        };
        let user = users::create(&mut conn, &org.id, new).await?;
        println!(
            "created user {} <{}> as {:?}",
            user.name, user.email, user.roles
        );
    }

    let everyone = UserFilter::default();
    let page = users::list(
        &mut conn,
        &org.id,
        &everyone,
        &Paging::Offset { page: 1, size: 10 },
    )
    .await?;
    println!(
        "offset page 1: {} of {} users",
        page.data.len(),
        page.total_count
    );

    let members = UserFilter {
        role: Some(Role::AppMember),
        search: SearchTerm::parse(Some("grace"))?,
        ..UserFilter::default()
    };
    let found = users::list(
        &mut conn,
        &org.id,
        &members,
        &Paging::Offset { page: 1, size: 10 },
    )
    .await?;
    for user in &found.data {
        println!("members matching \"grace\": {} <{}>", user.name, user.email);
    }

    // Cursor pages: pass each page's next_cursor on until there is none.
    let mut paging = Paging::After {
        cursor: None,
        size: 2,
    };
    let mut number = 1;
    loop {
        let page = users::list(&mut conn, &org.id, &everyone, &paging).await?;
        let names: Vec<&str> = page.data.iter().map(|u| u.name.as_str()).collect();
        println!("cursor page {number}: {}", names.join(", "));
        let Some(next) = page.next_cursor else { break };
        paging = Paging::After {
            cursor: Some(Cursor::decode("after", &next)?),
            size: 2,
        };
        number += 1;
    }
    Ok(())
}
