//! An org and its users without HTTP: creates an org and users, lists them, searches
//! them and pages through them with cursors, on the database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-identity --example org_and_users`

use roster_core::page::{Cursor, Paging};
use roster_core::search::SearchTerm;
use roster_identity::quickstart::{self, Result};
use roster_identity::users::{self, UserFilter};
use roster_identity::Role;

#[tokio::main]
async fn main() -> Result<()> {
    let (mut conn, org) = quickstart::connect_with_org("identity", "Example Org").await?;

    let people = [
        ("Ada Lovelace", "ada", Role::AppAdmin),
        ("Grace Hopper", "grace", Role::AppMember),
        ("Alan Turing", "alan", Role::AppMember),
        ("Barbara Liskov", "barbara", Role::AppMember),
        ("Donald Knuth", "donald", Role::AppMember),
    ];
    for (name, local, role) in people {
        let new = quickstart::new_user(name, local, role)?;
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
