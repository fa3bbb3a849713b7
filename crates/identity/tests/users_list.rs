//! `users::list` without HTTP: offset pages, cursor pages both ways, a word search,
//! filters by state and role, and the total, on a database cloned from the template.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel_async::{AsyncConnection, AsyncPgConnection};
use roster_core::page::{Cursor, Page, Paging};
use roster_core::search::SearchTerm;
use roster_core::text::{Email, Slug};
use roster_devkit::db::TestDb;
use roster_identity::users::{self, NewUser, UserFilter};
use roster_identity::{orgs, OrgId, Role, User, UserState};

/// The names of the users the tests add, in the order they are added.
const NAMES: [&str; 7] = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Barbara Liskov",
    "Edsger Dijkstra",
    "Katherine Johnson",
    "Donald Knuth",
];

/// A fresh database with one org of `NAMES`: every third an AppAdmin, the last deactivated.
async fn org_of_users(db: &TestDb) -> (AsyncPgConnection, OrgId) {
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let slug = Slug::parse("slug", "acme").unwrap();
    let org = orgs::create(&mut conn, &slug, "Acme").await.unwrap();
    let mut last = None;
    for (i, name) in NAMES.iter().enumerate() {
        let email = format!(
            "{}@acme.test",
            name.split(' ').next().unwrap().to_lowercase()
        );
        let new = NewUser {
            account_id: None,
            role: if i % 3 == 0 {
                Role::AppAdmin
            } else {
                Role::AppMember
            },
            email: Email::parse("email", &email).unwrap(),
            name: (*name).to_owned(),
            given_name: None,
            family_name: None,
            job_position_name: None,
            job_position_description: None,
            metadata: Default::default(),
        };
        last = Some(users::create(&mut conn, &org.id, new).await.unwrap());
    }
    let last = last.unwrap();
    users::set_state(&mut conn, &org.id, &last.id, UserState::Inactive)
        .await
        .unwrap();
    (conn, org.id)
}

async fn list(
    conn: &mut AsyncPgConnection,
    org: &OrgId,
    filter: &UserFilter,
    paging: Paging,
) -> Page<User> {
    users::list(conn, org, filter, &paging).await.unwrap()
}

fn names(page: &Page<User>) -> Vec<&str> {
    page.data.iter().map(|u| u.name.as_str()).collect()
}

fn cursor(raw: &Option<String>) -> Option<Cursor> {
    Some(Cursor::decode("cursor", raw.as_deref().expect("a cursor")).unwrap())
}

#[tokio::test]
async fn offset_pages_hold_every_user_oldest_first_with_the_total() {
    let db = TestDb::new().await;
    let (mut conn, org) = org_of_users(&db).await;
    let all = UserFilter::default();
    let first = list(&mut conn, &org, &all, Paging::Offset { page: 1, size: 3 }).await;
    assert_eq!(names(&first), NAMES[..3]);
    assert_eq!(first.total_count, 7);
    assert!(first.has_next_page && !first.has_previous_page);
    let last = list(&mut conn, &org, &all, Paging::Offset { page: 3, size: 3 }).await;
    assert_eq!(names(&last), NAMES[6..]);
    assert!(!last.has_next_page && last.has_previous_page);
    let past = list(&mut conn, &org, &all, Paging::Offset { page: 9, size: 3 }).await;
    assert!(past.data.is_empty());
    assert_eq!(past.total_count, 7);
}

#[tokio::test]
async fn cursor_pages_walk_forwards_and_back_through_the_same_order() {
    let db = TestDb::new().await;
    let (mut conn, org) = org_of_users(&db).await;
    let all = UserFilter::default();
    let mut seen = Vec::new();
    let mut page = list(
        &mut conn,
        &org,
        &all,
        Paging::After {
            cursor: None,
            size: 2,
        },
    )
    .await;
    loop {
        assert_eq!(page.total_count, 7);
        seen.extend(names(&page).into_iter().map(str::to_owned));
        if !page.has_next_page {
            break;
        }
        let after = cursor(&page.next_cursor);
        page = list(
            &mut conn,
            &org,
            &all,
            Paging::After {
                cursor: after,
                size: 2,
            },
        )
        .await;
    }
    assert_eq!(seen, NAMES);
    // Back from the last page: the pages before it, each in the list's order.
    let before = cursor(&page.previous_cursor);
    let back = list(
        &mut conn,
        &org,
        &all,
        Paging::Before {
            cursor: before,
            size: 2,
        },
    )
    .await;
    assert_eq!(names(&back), NAMES[4..6]);
    assert!(back.has_previous_page && back.has_next_page);
    let tail = list(
        &mut conn,
        &org,
        &all,
        Paging::Before {
            cursor: None,
            size: 3,
        },
    )
    .await;
    assert_eq!(names(&tail), NAMES[4..]);
}

#[tokio::test]
async fn a_search_finds_a_word_of_the_name_or_the_email_with_its_own_total() {
    let db = TestDb::new().await;
    let (mut conn, org) = org_of_users(&db).await;
    let search = |term: &str| UserFilter {
        search: SearchTerm::parse(Some(term)).unwrap(),
        ..UserFilter::default()
    };
    let by_word = list(
        &mut conn,
        &org,
        &search("HOPPER"),
        Paging::Offset { page: 1, size: 10 },
    )
    .await;
    assert_eq!(names(&by_word), ["Grace Hopper"]);
    assert_eq!(by_word.total_count, 1);
    let in_words = list(
        &mut conn,
        &org,
        &search("a l"),
        Paging::Offset { page: 1, size: 10 },
    )
    .await;
    assert_eq!(names(&in_words), ["Ada Lovelace", "Barbara Liskov"]);
    let by_email = search("acme.test");
    let first = list(
        &mut conn,
        &org,
        &by_email,
        Paging::After {
            cursor: None,
            size: 4,
        },
    )
    .await;
    assert_eq!(names(&first), NAMES[..4]);
    assert_eq!(first.total_count, 7);
    let after = cursor(&first.next_cursor);
    let rest = list(
        &mut conn,
        &org,
        &by_email,
        Paging::After {
            cursor: after,
            size: 4,
        },
    )
    .await;
    assert_eq!(names(&rest), NAMES[4..]);
    let none = list(
        &mut conn,
        &org,
        &search("nobody"),
        Paging::Offset { page: 1, size: 10 },
    )
    .await;
    assert!(none.data.is_empty());
    assert_eq!(none.total_count, 0);
}

#[tokio::test]
async fn filters_by_state_and_role_narrow_the_list_and_its_total() {
    let db = TestDb::new().await;
    let (mut conn, org) = org_of_users(&db).await;
    let page = Paging::Offset { page: 1, size: 10 };
    let admins = UserFilter {
        role: Some(Role::AppAdmin),
        ..UserFilter::default()
    };
    let found = list(&mut conn, &org, &admins, page.clone()).await;
    assert_eq!(names(&found), [NAMES[0], NAMES[3], NAMES[6]]);
    assert_eq!(found.total_count, 3);
    let inactive = UserFilter {
        state: Some(UserState::Inactive),
        ..UserFilter::default()
    };
    let found = list(&mut conn, &org, &inactive, page.clone()).await;
    assert_eq!(names(&found), [NAMES[6]]);
    assert_eq!(found.total_count, 1);
    let active_admins = UserFilter {
        state: Some(UserState::Active),
        ..admins
    };
    let found = list(&mut conn, &org, &active_admins, page).await;
    assert_eq!(names(&found), [NAMES[0], NAMES[3]]);
    assert_eq!(found.total_count, 2);
}
