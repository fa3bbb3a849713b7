//! Users: an account's membership in one org, with a role and a state.

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::future::try_join;
use roster_core::db::{limited, matches_first, planned_per_call, prepared_once, rows_and_total};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::{self, EventContext, EventType, NewEvent};
use roster_core::page::{Cursor, Page, Paging};
use roster_core::text::{like_escape, within_one_word, Email};
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{user_counts, users};
use crate::{accounts, orgs, AccountId, OrgId, UserId};

roster_core::text_enum!(
    /// What a user may do in its org.
    Role { AppAdmin, AppMember }
);

roster_core::text_enum!(
    /// Whether a user's credentials work in its org.
    UserState { Active, Inactive }
);

/// A user as stored.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRecord {
    pub org_id: OrgId,
    pub id: UserId,
    pub account_id: AccountId,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: String,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub state: UserState,
    pub role: Role,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A user as the App API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub account_id: AccountId,
    #[schema(example = "Sasha Patel")]
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    #[schema(example = "sasha@auroralabs.com")]
    pub email: String,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub state: UserState,
    /// The user's roles (Roster gives each user exactly one).
    pub roles: Vec<Role>,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45Z")]
    pub created_at: Timestamp,
}

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> Self {
        Self {
            id: r.id,
            org_id: r.org_id,
            account_id: r.account_id,
            name: r.name,
            given_name: r.given_name,
            family_name: r.family_name,
            email: r.email,
            job_position_name: r.job_position_name,
            job_position_description: r.job_position_description,
            state: r.state,
            roles: vec![r.role],
            created_at: r.created_at,
        }
    }
}

impl UserRecord {
    pub fn is_admin(&self) -> bool {
        self.role == Role::AppAdmin
    }

    pub fn is_active(&self) -> bool {
        self.state == UserState::Active
    }

    fn cursor(&self) -> Cursor {
        Cursor {
            created_at: self.created_at,
            id: self.id.to_string(),
        }
    }
}

/// `{id, state}`: the answer to activate and deactivate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserStateChange {
    pub id: UserId,
    pub state: UserState,
}

/// A user to add to an org. Without `account_id`, the account is found or created by email;
/// with it, `email` must be that account's.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub account_id: Option<AccountId>,
    pub role: Role,
    pub email: Email,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
}

/// Changes to a user; `None` leaves a field as it is, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub email: Option<String>,
    pub job_position_name: Option<Option<String>>,
    pub job_position_description: Option<Option<String>>,
    pub role: Option<Role>,
}

/// What joins name and email in the searched column; a search may not contain it.
pub const SEARCH_SEPARATOR: char = '\u{1f}';

/// List filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub state: Option<UserState>,
    pub role: Option<Role>,
    /// Case-insensitive substring of name or email.
    pub search: Option<String>,
}

impl UserFilter {
    /// Whether it lets every user of the org through.
    pub fn is_empty(&self) -> bool {
        self.state.is_none() && self.role.is_none() && !self.has_search()
    }

    /// Whether a (non-empty) search narrows the list.
    pub fn has_search(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.is_empty())
    }
}

/// From this offset on, an unfiltered page is found through the index alone first.
const DEFERRED_JOIN_OFFSET: i64 = 1_000;

fn email_taken(field: &str) -> DomainError {
    DomainError::conflict(
        "email_taken",
        "a user with this email already exists in this org",
    )
    .on_field(field, "already taken")
}

/// Maps the unique violations of `users` to 409s. Without an explicit `account_id` the
/// account was found by email, so a taken account means a taken email.
fn unique_violation(
    e: diesel::result::Error,
    email_field: &str,
    explicit_account: bool,
) -> DomainError {
    match violated_constraint(&e) {
        Some("users_org_email_key") => email_taken(email_field),
        Some("users_org_account_key") if !explicit_account => email_taken(email_field),
        Some("users_org_account_key") => DomainError::conflict(
            "account_already_member",
            "this account is already a user in this org",
        )
        .on_field("account_id", "already linked to a user in this org"),
        _ => e.into(),
    }
}

/// Adds a user to an org. Duplicates are decided by the unique constraints: 409.
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewUser,
) -> DomainResult<User> {
    match new.account_id.clone() {
        Some(account_id) => create_for_account(conn, org_id, account_id, new).await,
        None => create_with_account_by_email(conn, org_id, new).await,
    }
}

diesel::define_sql_function! {
    /// The account found or created by email, and the user: the `user_add_function`
    /// migration. Returns the account id.
    #[allow(clippy::too_many_arguments)]
    fn users_add_with_account(
        org_id: Text,
        user_id: Text,
        account_id: Text,
        email: Text,
        name: Text,
        given_name: Nullable<Text>,
        family_name: Nullable<Text>,
        job_position_name: Nullable<Text>,
        job_position_description: Nullable<Text>,
        role: Text,
        at: Timestamptz
    ) -> Text;
}

/// The account found or created by email and the user, in one call of a database
/// function: one round trip, atomic without a transaction block, a statement prepared
/// once per connection.
async fn create_with_account_by_email(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewUser,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    let now = roster_core::time::now();
    let id = UserId::generate();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let account_id: AccountId = diesel::select(users_add_with_account(
            org_id,
            &id,
            AccountId::generate(),
            new.email.as_str(),
            &new.name,
            new.given_name.as_deref(),
            new.family_name.as_deref(),
            new.job_position_name.as_deref(),
            new.job_position_description.as_deref(),
            new.role,
            now,
        ))
        .get_result(conn)
        .await
        .map_err(|e| unique_violation(e, "user_info.email", false))?;
        let user = added_user(org_id, id, account_id, new, now);
        events::emit(conn, user_event(EventType::UserCreated, &user)?).await?;
        Ok(user)
    })
    .await
}

/// The event of a change to `user` (the user as the API returns it after the change).
fn user_event(kind: EventType, user: &User) -> DomainResult<NewEvent> {
    NewEvent::new(user.org_id.as_str(), kind, user.id.as_str(), user)
}

/// The user just added as `new`, active, created (and updated) at `now`.
fn added_user(
    org_id: &OrgId,
    id: UserId,
    account_id: AccountId,
    new: NewUser,
    now: time::OffsetDateTime,
) -> User {
    User::from(UserRecord {
        org_id: org_id.clone(),
        id,
        account_id,
        name: new.name,
        given_name: new.given_name,
        family_name: new.family_name,
        email: new.email.as_str().to_owned(),
        job_position_name: new.job_position_name,
        job_position_description: new.job_position_description,
        state: UserState::Active,
        role: new.role,
        created_at: now,
        updated_at: now,
    })
}

/// The ids [`create_many_by_email`] gets back for each user added.
#[derive(diesel::QueryableByName)]
struct Added {
    #[diesel(sql_type = Text)]
    added_user_id: UserId,
    #[diesel(sql_type = Text)]
    added_account_id: AccountId,
}

/// Adds several users, each with the account found or created by its email (none may
/// name an `account_id`), in one statement: the database function
/// `users_add_many_with_accounts` (migration `2026-12-04-000018_users_add_many`). The
/// statement triggers on users (counters, words) then run once for all of them. All or
/// nothing: any error (a duplicate, the same email twice) adds no one, and the caller
/// adds them one by one with [`create`] to answer each. The users come back in the order
/// given. Each `user.created` event is emitted in the context of its own create.
pub async fn create_many_by_email(
    conn: &mut AsyncPgConnection,
    batch: &[(&OrgId, &NewUser, &EventContext)],
) -> DomainResult<Vec<User>> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let users = add_many_by_email(conn, batch).await?;
        let events = users
            .iter()
            .zip(batch)
            .map(|(user, (_, _, context))| {
                NewEvent::in_context(
                    user.org_id.as_str(),
                    EventType::UserCreated,
                    user.id.as_str(),
                    user,
                    (*context).clone(),
                )
            })
            .collect::<DomainResult<Vec<_>>>()?;
        events::emit_all(conn, &events).await?;
        Ok(users)
    })
    .await
}

async fn add_many_by_email(
    conn: &mut AsyncPgConnection,
    batch: &[(&OrgId, &NewUser, &EventContext)],
) -> DomainResult<Vec<User>> {
    use diesel::sql_types::{Array, Timestamptz};
    if batch.iter().any(|(_, new, _)| new.account_id.is_some()) {
        return Err(DomainError::internal_msg(
            "create_many_by_email takes users without an account_id",
        ));
    }
    let now = roster_core::time::now();
    let ids: Vec<UserId> = batch.iter().map(|_| UserId::generate()).collect();
    let texts =
        |f: fn(&NewUser) -> &str| -> Vec<&str> { batch.iter().map(|(_, new, _)| f(new)).collect() };
    let optional = |f: fn(&NewUser) -> Option<&str>| -> Vec<Option<&str>> {
        batch.iter().map(|(_, new, _)| f(new)).collect()
    };
    let added: Vec<Added> = prepared_once(
        diesel::sql_query(
            "SELECT added_user_id, added_account_id FROM users_add_many_with_accounts(\
             $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind::<Array<Text>, _>(
            batch
                .iter()
                .map(|(org, _, _)| org.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(ids.iter().map(|id| id.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            batch
                .iter()
                .map(|_| AccountId::generate().as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(texts(|n| n.email.as_str()))
        .bind::<Array<Text>, _>(texts(|n| n.name.as_str()))
        .bind::<Array<Nullable<Text>>, _>(optional(|n| n.given_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|n| n.family_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|n| n.job_position_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|n| n.job_position_description.as_deref()))
        .bind::<Array<Text>, _>(texts(|n| n.role.as_str()))
        .bind::<Array<Timestamptz>, _>(vec![now; batch.len()]),
    )
    .load(conn)
    .await?;
    let mut accounts: std::collections::HashMap<UserId, AccountId> = added
        .into_iter()
        .map(|a| (a.added_user_id, a.added_account_id))
        .collect();
    batch
        .iter()
        .zip(ids)
        .map(|((org_id, new, _), id)| {
            let account_id = accounts.remove(&id).ok_or_else(|| {
                DomainError::internal_msg("users_add_many_with_accounts left a user out")
            })?;
            Ok(added_user(org_id, id, account_id, (*new).clone(), now))
        })
        .collect()
}

/// A user for an existing account, named by id.
async fn create_for_account(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: AccountId,
    new: NewUser,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    let org_id = org_id.clone();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let no_such_account =
            || DomainError::not_found("account").on_field("account_id", "no such account");
        let account = accounts::get(conn, &account_id).await.map_err(|e| {
            // Only a missing account is the caller's mistake; anything else
            // (an unreachable database) keeps its own meaning.
            if e.is_not_found() {
                no_such_account()
            } else {
                e
            }
        })?;
        // An id alone adds no one: it must come with the account's own email (as adding by
        // email would find it), or name a user of this org already (a 409 below).
        // Otherwise it answers as an unknown id, so that another org's account ids neither
        // work nor show that they exist.
        if account.email.to_lowercase() != new.email.as_str().to_lowercase()
            && of_account(conn, &org_id, &account.id).await?.is_none()
        {
            return Err(no_such_account());
        }
        let account_id = account.id;
        let now = roster_core::time::now();
        let record = diesel::insert_into(users::table)
            .values((
                users::org_id.eq(&org_id),
                users::id.eq(UserId::generate()),
                users::account_id.eq(account_id),
                users::name.eq(new.name),
                users::given_name.eq(new.given_name),
                users::family_name.eq(new.family_name),
                users::email.eq(new.email.as_str()),
                users::job_position_name.eq(new.job_position_name),
                users::job_position_description.eq(new.job_position_description),
                users::state.eq(UserState::Active),
                users::role.eq(new.role),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| unique_violation(e, "user_info.email", true))?;
        let user = User::from(record);
        events::emit(conn, user_event(EventType::UserCreated, &user)?).await?;
        Ok(user)
    })
    .await
}

/// A user of this org; another org's user is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
) -> DomainResult<UserRecord> {
    users::table
        .find((org_id, id))
        .select(UserRecord::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| DomainError::not_found("user"))
}

/// The user an account is in an org, if any.
pub async fn of_account(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: &AccountId,
) -> DomainResult<Option<UserRecord>> {
    Ok(users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::account_id.eq(account_id))
        .select(UserRecord::as_select())
        .first(conn)
        .await
        .optional()?)
}

fn filtered<'a>(
    org_id: &'a OrgId,
    filter: &'a UserFilter,
) -> users::BoxedQuery<'a, diesel::pg::Pg> {
    let mut query = users::table.filter(users::org_id.eq(org_id)).into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(users::state.eq(state));
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        // `search` is name and email joined by U+001F, which callers keep out of a search
        // (see `SEARCH_SEPARATOR`): a match lies within the name or within the email.
        let pattern = format!("%{}%", like_escape(search));
        query = query.filter(users::search.ilike(pattern));
    }
    query
}

/// Where a row stands against a cursor in the `(created_at, id)` order: `(created_at, id)
/// <op> (the cursor's)`, with `op` one of `<`, `<=`, `>`, `>=`. A row comparison is one
/// range of the `(org_id, created_at, id)` index, and a generic plan estimates it as one
/// inequality. Written out as `created_at >= $c AND (created_at > $c OR id > $i)` it was
/// the same range with a filter, which a generic plan estimates as two inequalities (a
/// ninth of the rows, not a third): costed above a custom plan, so a prepared cursor page
/// was planned again on every call. Not a `sql` literal: diesel prepares a statement
/// holding one anew on every call.
fn beyond<'a>(cursor: &'a Cursor, op: &'static str) -> Beyond<'a> {
    debug_assert!(matches!(op, "<" | "<=" | ">" | ">="));
    Beyond { cursor, op }
}

/// Whether any row of the list lies behind cursor `c`: before it for a forward page,
/// after it for a backward one. Ordered toward the cursor and limited, so that PostgreSQL
/// probes the (org_id, created_at, id) index from the cursor instead of planning a
/// sequential scan that stops at the first row of the org it meets (the whole table,
/// when none is behind or the org is small).
fn rows_behind<'a>(
    org_id: &'a OrgId,
    filter: &'a UserFilter,
    c: &'a Cursor,
    forward: bool,
) -> diesel::dsl::exists<users::BoxedQuery<'a, Pg, Text>> {
    let toward_cursor = filtered(org_id, filter).select(users::id).limit(1);
    diesel::dsl::exists(if forward {
        toward_cursor
            .filter(beyond(c, "<="))
            .order((users::created_at.desc(), users::id.desc()))
    } else {
        toward_cursor
            .filter(beyond(c, ">="))
            .order((users::created_at.asc(), users::id.asc()))
    })
}

/// See [`beyond`].
#[derive(Debug, Clone, Copy)]
struct Beyond<'a> {
    cursor: &'a Cursor,
    op: &'static str,
}

impl diesel::expression::Expression for Beyond<'_> {
    type SqlType = Bool;
}

impl diesel::expression::AppearsOnTable<users::table> for Beyond<'_> {}

impl diesel::expression::SelectableExpression<users::table> for Beyond<'_> {}

impl diesel::expression::ValidGrouping<()> for Beyond<'_> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

impl diesel::query_builder::QueryId for Beyond<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::QueryFragment<Pg> for Beyond<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, Pg>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("(\"users\".\"created_at\", \"users\".\"id\") ");
        out.push_sql(self.op);
        out.push_sql(" (");
        out.push_bind_param::<Timestamptz, _>(&self.cursor.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.cursor.id)?;
        out.push_sql(")");
        Ok(())
    }
}

/// How many users of the org match the filter. Without a search, a sum over the org's
/// counters (kept exact by triggers, see the `user_counters` migration); with one, a count
/// of the matches, which the trigram index finds.
async fn total_count(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
) -> DomainResult<i64> {
    if filter.has_search() {
        return Ok(planned_per_call(filtered(org_id, filter).count())
            .get_result(&mut &*conn)
            .await?);
    }
    let total: Option<i64> = counted(org_id, filter).get_result(&mut &*conn).await?;
    Ok(total.unwrap_or(0))
}

/// The sum of the org's counters for `filter`'s state and role (its search aside): how many
/// users an unsearched list holds. Plain DSL (no SQL literal), so that a statement holding
/// it is prepared once per connection.
fn counted<'a>(
    org_id: &'a OrgId,
    filter: &'a UserFilter,
) -> user_counts::BoxedQuery<'a, Pg, diesel::sql_types::Nullable<BigInt>> {
    let mut query = user_counts::table
        .filter(user_counts::org_id.eq(org_id))
        .select(diesel::dsl::sum(user_counts::n))
        .into_boxed();
    if let Some(state) = filter.state {
        query = query.filter(user_counts::state.eq(state));
    }
    if let Some(role) = filter.role {
        query = query.filter(user_counts::role.eq(role));
    }
    query
}

/// A page of an unsearched list as one statement: the page's rows, each carrying the
/// total (the counters' sum) and, for a cursor page, whether any row lies behind the
/// cursor, both computed once (uncorrelated subqueries). One statement instead of two or
/// three pipelined: PostgreSQL starts and ends one transaction, and the gateway reads one
/// result. An empty page (a client polling after its last cursor, a page past the end)
/// has no row to carry them: it asks for them alone, pipelined.
async fn unsearched_page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<(Vec<UserRecord>, i64, bool)> {
    debug_assert!(!filter.has_search());
    let fetch = paging.size() + 1;
    let total = || counted(org_id, filter).single_value();
    let rows: Vec<(UserRecord, Option<i64>, bool)> = match paging {
        Paging::Offset { page, size } => {
            let offset = (page - 1) * size;
            let order = (users::created_at.asc(), users::id.asc());
            let columns = (UserRecord::as_select(), total(), false.into_sql::<Bool>());
            let query = filtered(org_id, filter).select(columns).order(order);
            if offset < DEFERRED_JOIN_OFFSET || !filter.is_empty() {
                limited(query, fetch, offset).load(&mut &*conn).await?
            } else {
                // Skip through the (org_id, created_at, id) index alone (an index-only
                // scan), then read just the page's rows.
                let skip = sql::<Bool>("users.id IN (SELECT p.id FROM users p WHERE p.org_id = ")
                    .bind::<Text, _>(org_id)
                    .sql(" ORDER BY p.created_at, p.id OFFSET ")
                    .bind::<BigInt, _>(offset)
                    .sql(" LIMIT ")
                    .bind::<BigInt, _>(fetch)
                    .sql(")");
                limited(query.filter(skip), fetch, 0)
                    .load(&mut &*conn)
                    .await?
            }
        }
        Paging::After { cursor, .. } | Paging::Before { cursor, .. } => {
            let forward = matches!(paging, Paging::After { .. });
            let asc = (users::created_at.asc(), users::id.asc());
            let desc = (users::created_at.desc(), users::id.desc());
            match cursor {
                None => {
                    let columns = (UserRecord::as_select(), total(), false.into_sql::<Bool>());
                    let query = filtered(org_id, filter).select(columns);
                    if forward {
                        limited(query.order(asc), fetch, 0)
                            .load(&mut &*conn)
                            .await?
                    } else {
                        limited(query.order(desc), fetch, 0)
                            .load(&mut &*conn)
                            .await?
                    }
                }
                Some(c) => {
                    let probe = rows_behind(org_id, filter, c, forward);
                    let columns = (UserRecord::as_select(), total(), probe);
                    let query = filtered(org_id, filter).select(columns);
                    if forward {
                        let query = query.filter(beyond(c, ">")).order(asc);
                        limited(query, fetch, 0).load(&mut &*conn).await?
                    } else {
                        let query = query.filter(beyond(c, "<")).order(desc);
                        limited(query, fetch, 0).load(&mut &*conn).await?
                    }
                }
            }
        }
    };
    let Some(&(_, total, behind)) = rows.as_slice().first() else {
        let behind = async {
            match paging {
                Paging::After {
                    cursor: Some(c), ..
                }
                | Paging::Before {
                    cursor: Some(c), ..
                } => {
                    let forward = matches!(paging, Paging::After { .. });
                    diesel::select(rows_behind(org_id, filter, c, forward))
                        .get_result::<bool>(&mut &*conn)
                        .await
                        .map_err(DomainError::from)
                }
                _ => Ok(false),
            }
        };
        let (total, behind) = try_join(total_count(conn, org_id, filter), behind).await?;
        return Ok((Vec::new(), total, behind));
    };
    let rows = rows.into_iter().map(|(row, _, _)| row).collect();
    Ok((rows, total.unwrap_or(0), behind))
}

/// A searched offset page: the page and, beside each row, the count of all the matches,
/// in one statement (`roster_core::db::matches_first`), so that the trigram index and the
/// rechecks find the matches once instead of once for the count and once for the page.
/// Only a page past the end (no row to carry the count) counts again.
async fn searched_offset_page(
    conn: &AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    page: i64,
    size: i64,
) -> DomainResult<(Vec<UserRecord>, i64)> {
    let offset = (page - 1) * size;
    if let Some(term) = filter
        .search
        .as_deref()
        .filter(|term| within_one_word(term))
    {
        return crate::user_words::page(conn, org_id, term, filter, size + 1, offset).await;
    }
    let rows: Vec<(UserRecord, i64)> = matches_first(
        filtered(org_id, filter).select(UserRecord::as_select()),
        size + 1,
        offset,
    )
    .load(&mut &*conn)
    .await?;
    let (rows, total) = rows_and_total(rows, offset);
    let total = match total {
        Some(total) => total,
        None => total_count(conn, org_id, filter).await?,
    };
    Ok((rows, total))
}

/// One page of an org's users in a stable order (oldest first), with the total count.
/// An unsearched page is one statement (`unsearched_page`; an empty one two, pipelined),
/// and so is a searched offset page (`searched_offset_page`); a searched cursor page
/// pipelines its queries (three at most, whatever the page size): one round trip.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    filter: &UserFilter,
    paging: &Paging,
) -> DomainResult<Page<User>> {
    let conn: &AsyncPgConnection = conn;
    if !filter.has_search() {
        let (rows, total_count, rows_exist_behind) =
            unsearched_page(conn, org_id, filter, paging).await?;
        // `limited` may have loaded more than the page and one; `assemble` keeps the page.
        return Ok(Page::assemble(
            paging,
            rows,
            total_count,
            rows_exist_behind,
            UserRecord::cursor,
        )
        .map(User::from));
    }
    let (cursor, forward) = match paging {
        Paging::Offset { page, size } => {
            let (rows, total_count) =
                searched_offset_page(conn, org_id, filter, *page, *size).await?;
            return Ok(
                Page::assemble(paging, rows, total_count, false, UserRecord::cursor)
                    .map(User::from),
            );
        }
        Paging::After { cursor, .. } => (cursor.as_ref(), true),
        Paging::Before { cursor, .. } => (cursor.as_ref(), false),
    };
    // A searched cursor page: the page, its total and what lies behind, pipelined.
    let fetch = paging.size() + 1;
    let select = || filtered(org_id, filter).select(UserRecord::as_select());
    let asc = (users::created_at.asc(), users::id.asc());
    let desc = (users::created_at.desc(), users::id.desc());
    let page = async {
        let Some(c) = cursor else {
            let rows = if forward {
                limited(select().order(asc), fetch, 0)
                    .load(&mut &*conn)
                    .await?
            } else {
                limited(select().order(desc), fetch, 0)
                    .load(&mut &*conn)
                    .await?
            };
            return Ok::<_, DomainError>((rows, false));
        };
        let behind =
            diesel::select(rows_behind(org_id, filter, c, forward)).get_result::<bool>(&mut &*conn);
        Ok(if forward {
            let q = limited(select().order(asc).filter(beyond(c, ">")), fetch, 0);
            try_join(q.load(&mut &*conn), behind).await?
        } else {
            let q = limited(select().order(desc).filter(beyond(c, "<")), fetch, 0);
            try_join(q.load(&mut &*conn), behind).await?
        })
    };
    let (total_count, (rows, rows_exist_behind)) =
        try_join(total_count(conn, org_id, filter), page).await?;
    Ok(Page::assemble(
        paging,
        rows,
        total_count,
        rows_exist_behind,
        UserRecord::cursor,
    )
    .map(User::from))
}

/// Fails with 409 when `user` is the org's last active AppAdmin. Call with the org locked.
async fn ensure_not_last_admin(
    conn: &mut AsyncPgConnection,
    user: &UserRecord,
) -> DomainResult<()> {
    if !(user.is_admin() && user.is_active()) {
        return Ok(());
    }
    let other_admins: i64 = users::table
        .filter(users::org_id.eq(&user.org_id))
        .filter(users::role.eq(Role::AppAdmin))
        .filter(users::state.eq(UserState::Active))
        .filter(users::id.ne(&user.id))
        .count()
        .get_result(conn)
        .await?;
    if other_admins == 0 {
        return Err(DomainError::conflict(
            "last_admin",
            "this is the org's last active AppAdmin; make another user AppAdmin first",
        ));
    }
    Ok(())
}

/// Applies changes to a user. Demoting the org's last active AppAdmin is a 409; a taken
/// email is a 409.
pub async fn update(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    changes: UserChanges,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        orgs::lock(conn, org_id).await?;
        let current = get(conn, org_id, id).await?;
        if changes.role.is_some_and(|r| r != Role::AppAdmin) {
            ensure_not_last_admin(conn, &current).await?;
        }
        let record = diesel::update(users::table.find((org_id, id)))
            .set((&changes, users::updated_at.eq(roster_core::time::now())))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| unique_violation(e, "email", true))?;
        let kind = if record.role == current.role {
            EventType::UserUpdated
        } else {
            EventType::UserRoleChanged
        };
        let user = User::from(record);
        events::emit(conn, user_event(kind, &user)?).await?;
        Ok(user)
    })
    .await
}

/// Activates or deactivates a user; idempotent. Deactivating the org's last active
/// AppAdmin is a 409.
pub async fn set_state(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    state: UserState,
) -> DomainResult<UserStateChange> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        orgs::lock(conn, org_id).await?;
        let current = get(conn, org_id, id).await?;
        if current.state == state {
            return Ok(UserStateChange {
                id: current.id,
                state,
            });
        }
        if state == UserState::Inactive {
            ensure_not_last_admin(conn, &current).await?;
        }
        let record = diesel::update(users::table.find((org_id, id)))
            .set((
                users::state.eq(state),
                users::updated_at.eq(roster_core::time::now()),
            ))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await?;
        let kind = match state {
            UserState::Active => EventType::UserActivated,
            UserState::Inactive => EventType::UserDeactivated,
        };
        events::emit(conn, user_event(kind, &User::from(record))?).await?;
        Ok(UserStateChange {
            id: current.id,
            state,
        })
    })
    .await
}
