//! Users added by email together, in one statement: the database function
//! `users_create_by_email` (migration `2026-12-13-000044_creates_in_one_statement`) adds
//! the accounts and users, queues each one's mail as [`crate::ownership::after_admin_add`]
//! would, and writes their `user.created` events and deliveries (`events_emit`, the rule
//! of `roster_core::events::emit`) and their idempotency keys' answers. One round trip and
//! one commit, where a transaction of them took six.

use diesel::sql_types::{Array, Bool, Bytea, Int8, Jsonb, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::prepared_once;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventContext, EventType, NewEvent};
use roster_core::idempotency::SealedAnswer;
use roster_core::DomainError;

use super::create::added_user;
use super::{NewUser, User};
use crate::{AccountId, OrgId, UserId};

/// Makes the answer an idempotency key keeps from the user its create added.
pub type MakeAnswer = dyn Fn(&User) -> DomainResult<SealedAnswer> + Send + Sync;

/// One create of a batch.
pub struct Gathered<'a> {
    pub org_id: &'a OrgId,
    pub new: &'a NewUser,
    /// The context of its own request, which its event carries.
    pub context: &'a EventContext,
    /// Its idempotency key's answer (`None`: a create without a key).
    pub answer: Option<&'a MakeAnswer>,
}

/// A user added, and whether its key's answer was stored with it.
#[derive(Debug)]
pub struct Created {
    pub user: User,
    pub answered: bool,
}

const CREATE: &str = "\
SELECT out_user_id, out_account_id, out_answered, out_deliveries FROM users_create_by_email(
    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
    $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
    $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)";

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    out_user_id: UserId,
    #[diesel(sql_type = Text)]
    out_account_id: AccountId,
    #[diesel(sql_type = Bool)]
    out_answered: bool,
    #[diesel(sql_type = Int8)]
    out_deliveries: i64,
}

/// Adds users by email (none may name an `account_id`), each with the account found or
/// created by its email, in one statement that is its own transaction: call it outside
/// one. All or nothing: any error (a duplicate, the same email twice, an account that
/// must be reclaimed first) adds no one, and the caller adds them one by one with
/// [`super::create`], which answers each. Users come back in the order given.
///
/// Each user's event and answer are made before the statement, from the user as it is
/// added with a new account; one added to an account that existed gets that account in
/// its event, from the database, and no stored answer (`answered` false: the caller
/// stores it).
pub async fn create_many_by_email(
    conn: &mut AsyncPgConnection,
    batch: &[Gathered<'_>],
) -> DomainResult<Vec<Created>> {
    if batch.iter().any(|g| g.new.account_id.is_some()) {
        return Err(DomainError::internal_msg(
            "create_many_by_email takes users without an account_id",
        ));
    }
    let now = roster_core::time::now();
    let mut users: Vec<User> = batch
        .iter()
        .map(|g| {
            let (id, account) = (UserId::generate(), AccountId::generate());
            added_user(g.org_id, id, account, g.new.clone(), now)
        })
        .collect();
    let created = users
        .iter()
        .zip(batch)
        .map(|(user, g)| {
            let (org, id) = (user.org_id.as_str(), user.id.as_str());
            NewEvent::in_context(org, EventType::UserCreated, id, user, g.context.clone())
        })
        .collect::<DomainResult<Vec<_>>>()?;
    let answers = users
        .iter()
        .zip(batch)
        .map(|(user, g)| g.answer.map(|make| make(user)).transpose())
        .collect::<DomainResult<Vec<Option<SealedAnswer>>>>()?;
    let rows = run(conn, batch, &users, &created, &answers, now).await?;
    let mut answered = Vec::with_capacity(users.len());
    for (user, row) in users.iter_mut().zip(&rows) {
        if row.out_user_id != user.id {
            return Err(DomainError::internal_msg(
                "users_create_by_email answered out of order",
            ));
        }
        user.account_id = row.out_account_id.clone();
        answered.push(row.out_answered);
    }
    roster_core::outbox::queued(conn, roster_mail::MAIL_CHANNEL).await?;
    if rows.iter().any(|r| r.out_deliveries > 0) {
        roster_core::outbox::queued(conn, events::DELIVERIES_CHANNEL).await?;
    }
    Ok(users
        .into_iter()
        .zip(answered)
        .map(|(user, answered)| Created { user, answered })
        .collect())
}

/// The statement, with every value bound.
async fn run(
    conn: &mut AsyncPgConnection,
    batch: &[Gathered<'_>],
    users: &[User],
    created: &[NewEvent],
    answers: &[Option<SealedAnswer>],
    now: time::OffsetDateTime,
) -> DomainResult<Vec<Row>> {
    let texts = |f: fn(&User) -> &str| -> Vec<&str> { users.iter().map(f).collect() };
    let optional =
        |f: fn(&User) -> Option<&str>| -> Vec<Option<&str>> { users.iter().map(f).collect() };
    let keyed = |f: fn(&SealedAnswer) -> &str| -> Vec<Option<&str>> {
        answers.iter().map(|a| a.as_ref().map(f)).collect()
    };
    let sealed = |f: fn(&SealedAnswer) -> &[u8]| -> Vec<Option<&[u8]>> {
        answers.iter().map(|a| a.as_ref().map(f)).collect()
    };
    let query = diesel::sql_query(CREATE)
        .into_boxed()
        .bind::<Array<Text>, _>(texts(|u| u.org_id.as_str()))
        .bind::<Array<Text>, _>(texts(|u| u.id.as_str()))
        .bind::<Array<Text>, _>(texts(|u| u.account_id.as_str()))
        .bind::<Array<Text>, _>(texts(|u| u.email.as_str()))
        .bind::<Array<Text>, _>(batch.iter().map(|g| g.new.email.key()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(texts(|u| u.name.as_str()))
        .bind::<Array<Nullable<Text>>, _>(optional(|u| u.given_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|u| u.family_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|u| u.job_position_name.as_deref()))
        .bind::<Array<Nullable<Text>>, _>(optional(|u| u.job_position_description.as_deref()))
        .bind::<Array<Text>, _>(
            batch
                .iter()
                .map(|g| g.new.role.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Timestamptz>, _>(vec![now; users.len()])
        .bind::<Array<Jsonb>, _>(users.iter().map(|u| &u.metadata).collect::<Vec<_>>());
    let mails = crate::ownership::added_mails();
    let purpose = mails.invite.link.as_ref().map(|l| l.purpose.as_str());
    let query = events::bind_columns(query, created)
        .bind::<Array<Text>, _>(
            users
                .iter()
                .map(|_| roster_core::id::generate("mail"))
                .collect::<Vec<_>>(),
        )
        .bind::<Text, _>(crate::ownership::ORG_SLOT)
        .bind::<Text, _>(mails.notice.subject)
        .bind::<Text, _>(mails.notice.body)
        .bind::<Text, _>(mails.invite.subject)
        .bind::<Text, _>(mails.invite.body)
        .bind::<Nullable<Text>, _>(purpose)
        .bind::<Array<Nullable<Text>>, _>(keyed(|a| a.scope.tenant.as_str()))
        .bind::<Array<Nullable<Bytea>>, _>(sealed(|a| a.scope.credential.as_slice()))
        .bind::<Array<Nullable<Text>>, _>(keyed(|a| a.scope.key.as_str()))
        .bind::<Array<Nullable<Bytea>>, _>(sealed(|a| a.sealed.as_slice()));
    Ok(prepared_once(query).load(conn).await?)
}
