//! `groups` without HTTP: the functions a SCIM server calls (create with members, replace,
//! bulk add and remove, filters, any range, a group with all its members) and what a user's
//! deletion does to groups, on a database cloned from the template.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel_async::{AsyncConnection, AsyncPgConnection};
use roster_core::etag::Precondition;
use roster_core::search::SearchTerm;
use roster_core::text::{Email, Slug};
use roster_devkit::db::TestDb;
use roster_identity::groups::{self, GroupFilter, GroupReplacement, NewGroup};
use roster_identity::users::{self, NewUser};
use roster_identity::{orgs, OrgId, Role, UserId};

/// A fresh database with one org and `n` users (the first an AppAdmin).
async fn org_with_users(db: &TestDb, n: usize) -> (AsyncPgConnection, OrgId, Vec<UserId>) {
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let org = orgs::create(&mut conn, &Slug::parse("slug", "acme").unwrap(), "Acme")
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let new = NewUser {
            account_id: None,
            role: if i == 0 {
                Role::AppAdmin
            } else {
                Role::AppMember
            },
            email: Email::parse("email", &format!("u{i}@acme.test")).unwrap(),
            name: format!("User {i}"),
            given_name: None,
            family_name: None,
            job_position_name: None,
            job_position_description: None,
            metadata: Default::default(),
        };
        ids.push(users::create(&mut conn, &org.id, new).await.unwrap().id);
    }
    (conn, org.id, ids)
}

fn new_group(name: &str, external_id: Option<&str>, members: &[UserId]) -> NewGroup {
    NewGroup {
        display_name: name.to_owned(),
        external_id: external_id.map(str::to_owned),
        members: members.to_vec(),
    }
}

async fn member_ids(
    conn: &mut AsyncPgConnection,
    org: &OrgId,
    group: &roster_identity::OrgGroupId,
) -> Vec<UserId> {
    let mut ids: Vec<UserId> = groups::all_members(conn, org, group)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[UserId]) -> Vec<UserId> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

#[tokio::test]
async fn replace_sets_fields_and_exactly_the_members_given() {
    let db = TestDb::new().await;
    let (mut conn, org, u) = org_with_users(&db, 5).await;
    let group = groups::create(&mut conn, &org, new_group("Eng", Some("x1"), &u[..3]))
        .await
        .unwrap();
    assert_eq!(
        member_ids(&mut conn, &org, &group.id).await,
        sorted(&u[..3])
    );

    let whole = GroupReplacement {
        display_name: "Engineering".into(),
        external_id: None,
        members: vec![u[2].clone(), u[3].clone(), u[4].clone()],
    };
    let replaced = groups::replace(&mut conn, &org, &group.id, whole)
        .await
        .unwrap();
    assert_eq!(replaced.display_name, "Engineering");
    assert_eq!(replaced.external_id, None);
    assert!(replaced.updated_at >= group.updated_at);
    assert_eq!(
        member_ids(&mut conn, &org, &group.id).await,
        sorted(&u[2..])
    );

    // A member that is no user of the org changes nothing.
    let bad = GroupReplacement {
        display_name: "Other".into(),
        external_id: None,
        members: vec![UserId::parse("user_0000000000000000").unwrap()],
    };
    let err = groups::replace(&mut conn, &org, &group.id, bad)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        groups::get(&mut conn, &org, &group.id)
            .await
            .unwrap()
            .display_name,
        "Engineering"
    );
    assert_eq!(
        member_ids(&mut conn, &org, &group.id).await,
        sorted(&u[2..])
    );

    // To no members at all.
    let empty = GroupReplacement {
        display_name: "Engineering".into(),
        external_id: Some("x2".into()),
        members: Vec::new(),
    };
    groups::replace(&mut conn, &org, &group.id, empty)
        .await
        .unwrap();
    assert!(member_ids(&mut conn, &org, &group.id).await.is_empty());
}

#[tokio::test]
async fn bulk_adds_and_removes_are_idempotent() {
    let db = TestDb::new().await;
    let (mut conn, org, u) = org_with_users(&db, 4).await;
    let group = groups::create(&mut conn, &org, new_group("Eng", None, &u[..1]))
        .await
        .unwrap();
    let added = groups::add_members(&mut conn, &org, &group.id, &u[..3])
        .await
        .unwrap();
    let added: Vec<UserId> = added.into_iter().map(|m| m.user_id).collect();
    assert_eq!(
        sorted(&added),
        sorted(&u[1..3]),
        "the member already in is left as is"
    );
    let again = groups::add_members(&mut conn, &org, &group.id, &u[..3])
        .await
        .unwrap();
    assert!(again.is_empty());
    let removed = groups::remove_members(&mut conn, &org, &group.id, &[u[1].clone(), u[3].clone()])
        .await
        .unwrap();
    assert_eq!(removed, vec![u[1].clone()]);
    let none = groups::remove_members(&mut conn, &org, &group.id, &[u[1].clone()])
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(
        member_ids(&mut conn, &org, &group.id).await,
        sorted(&[u[0].clone(), u[2].clone()])
    );
    // One user that is not of the org: none is added.
    let stranger = UserId::parse("user_0000000000000000").unwrap();
    let err = groups::add_members(&mut conn, &org, &group.id, &[u[3].clone(), stranger])
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(member_ids(&mut conn, &org, &group.id).await.len(), 2);
}

#[tokio::test]
async fn filters_and_ranges_find_groups_by_name_external_id_and_member() {
    let db = TestDb::new().await;
    let (mut conn, org, u) = org_with_users(&db, 3).await;
    let eng = groups::create(
        &mut conn,
        &org,
        new_group("Engineering", Some("okta-1"), &u[..2]),
    )
    .await
    .unwrap();
    let sales = groups::create(&mut conn, &org, new_group("Sales", Some("okta-2"), &u[1..]))
        .await
        .unwrap();
    let ops = groups::create(&mut conn, &org, new_group("Ops", None, &[]))
        .await
        .unwrap();

    let ids =
        |r: (Vec<groups::Group>, i64)| (r.0.into_iter().map(|g| g.id).collect::<Vec<_>>(), r.1);
    let by_name = GroupFilter {
        display_name: Some("ENGINEERING".into()),
        ..GroupFilter::default()
    };
    let found = groups::list_range(&mut conn, &org, &by_name, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![eng.id.clone()], 1));
    let by_external = GroupFilter {
        external_id: Some("okta-2".into()),
        ..GroupFilter::default()
    };
    let found = groups::list_range(&mut conn, &org, &by_external, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![sales.id.clone()], 1));
    let by_member = GroupFilter {
        member: Some(u[1].clone()),
        ..GroupFilter::default()
    };
    let found = groups::list_range(&mut conn, &org, &by_member, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![eng.id.clone(), sales.id.clone()], 2));
    let searched = GroupFilter {
        search: SearchTerm::parse(Some("S")).unwrap(),
        ..GroupFilter::default()
    };
    let found = groups::list_range(&mut conn, &org, &searched, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![sales.id.clone(), ops.id.clone()], 2));
    // Any range of the whole list, with the total.
    let all = GroupFilter::default();
    let found = groups::list_range(&mut conn, &org, &all, 1, 1)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![sales.id.clone()], 3));
    let found = groups::list_range(&mut conn, &org, &all, 5, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![], 3));
    // Another org sees none of them.
    let other = orgs::create(&mut conn, &Slug::parse("slug", "globex").unwrap(), "Globex")
        .await
        .unwrap();
    let found = groups::list_range(&mut conn, &other.id, &all, 0, 10)
        .await
        .unwrap();
    assert_eq!(ids(found), (vec![], 0));
    assert!(groups::get(&mut conn, &other.id, &eng.id)
        .await
        .unwrap_err()
        .is_not_found());
}

#[tokio::test]
async fn a_deleted_user_leaves_its_groups_which_say_they_changed() {
    let db = TestDb::new().await;
    let (mut conn, org, u) = org_with_users(&db, 3).await;
    let group = groups::create(&mut conn, &org, new_group("Eng", None, &u[1..]))
        .await
        .unwrap();
    users::delete(&mut conn, &org, &u[1], &Precondition::None)
        .await
        .unwrap();
    assert_eq!(
        member_ids(&mut conn, &org, &group.id).await,
        vec![u[2].clone()]
    );
    let after = groups::get(&mut conn, &org, &group.id).await.unwrap();
    assert!(after.updated_at > group.updated_at);
    // The last active AppAdmin stays.
    let err = users::delete(&mut conn, &org, &u[0], &Precondition::None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, roster_core::DomainError::Conflict { ref code, .. } if code == "last_admin"),
        "{err}"
    );
}
