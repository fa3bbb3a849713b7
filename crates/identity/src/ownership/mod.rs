//! Email ownership: an account made by sign-up is unverified until its owner follows the
//! link Roster mails them. An administrator adding a user by the email of an unverified
//! account that has a password does not hand that account over: its password, sessions,
//! API tokens and links are revoked (`account.reclaimed`) and the real owner is mailed a
//! link to set a password. A verified account added to another org gets a notice.

pub mod flows;
mod mails;
pub mod requests;

use diesel::sql_types::{Array, Bool, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use serde::Serialize;

use crate::{AccountId, OrgId};

/// An account as its events show it: never a password, token or link.
#[derive(Debug, Clone, Serialize)]
pub struct AccountEvent<'a> {
    pub id: &'a str,
    pub email: &'a str,
}

#[derive(QueryableByName)]
struct Added {
    #[diesel(sql_type = Text)]
    org_id: String,
    #[diesel(sql_type = Text)]
    org_name: String,
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Bool)]
    email_verified: bool,
    #[diesel(sql_type = Bool)]
    has_password: bool,
}

/// What follows an administrator adding users (each an org and its account), in the
/// transaction that added them: accounts signed up by someone who never proved the email
/// are reclaimed, owners without a password are mailed a link to set one, and verified
/// owners a notice.
pub async fn after_admin_add(
    conn: &mut AsyncPgConnection,
    added: &[(&OrgId, &AccountId)],
) -> DomainResult<()> {
    let rows: Vec<Added> = roster_core::db::prepared_once(
        diesel::sql_query(
            "SELECT i.org_id, o.name AS org_name, a.id, a.email, a.email_verified,
                    a.password_hash IS NOT NULL AS has_password
               FROM unnest($1::text[], $2::text[]) AS i(org_id, account_id)
               JOIN accounts a ON a.id = i.account_id
               JOIN orgs o ON o.id = i.org_id",
        )
        .bind::<Array<Text>, _>(added.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(added.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>()),
    )
    .load(conn)
    .await?;
    let (to_reclaim, others): (Vec<&Added>, Vec<&Added>) = rows
        .iter()
        .partition(|row| !row.email_verified && row.has_password);
    reclaim(conn, &to_reclaim).await?;
    let mail: Vec<_> = to_reclaim
        .iter()
        .map(|row| mails::set_password(&row.email, &row.id, &row.org_name, true))
        .chain(others.iter().map(|row| {
            if row.email_verified {
                mails::added_to_org(&row.email, &row.org_name)
            } else {
                mails::set_password(&row.email, &row.id, &row.org_name, false)
            }
        }))
        .collect();
    roster_mail::outbox::enqueue(conn, &mail).await
}

/// The slot of the org's name in [`added_mails`]' texts.
pub const ORG_SLOT: &str = "{org}";

/// The mails [`after_admin_add`] queues for an added user whose account is not reclaimed,
/// with [`ORG_SLOT`] for the org's name and no recipient (the account's email): the notice
/// to a verified owner, and the link to set a password to another. The database function
/// `users_create_by_email` picks and fills them in as [`after_admin_add`] does.
pub struct AddedMails {
    pub notice: roster_mail::NewMail,
    pub invite: roster_mail::NewMail,
}

pub fn added_mails() -> AddedMails {
    AddedMails {
        notice: mails::added_to_org("", ORG_SLOT),
        invite: mails::set_password("", "", ORG_SLOT, false),
    }
}

/// Revokes everything sign-ups that never proved their email hold, set-based: their
/// passwords, sessions, API tokens and links; `account.reclaimed` in the org that added
/// each.
async fn reclaim(conn: &mut AsyncPgConnection, rows: &[&Added]) -> DomainResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    revoke_credentials(conn, &ids, true).await?;
    roster_mail::links::revoke_all(conn, &ids).await?;
    let all = rows
        .iter()
        .map(|row| {
            let data = AccountEvent {
                id: &row.id,
                email: &row.email,
            };
            NewEvent::new(&row.org_id, EventType::AccountReclaimed, &row.id, &data)
        })
        .collect::<DomainResult<Vec<_>>>()?;
    events::emit_all(conn, &all).await
}

/// Ends accounts' sessions (and with `tokens_too`, their API tokens and passwords).
pub(crate) async fn revoke_credentials(
    conn: &mut AsyncPgConnection,
    account_ids: &[&str],
    tokens_too: bool,
) -> DomainResult<()> {
    use diesel::{ExpressionMethods, QueryDsl};

    use crate::schema::{accounts, api_tokens, sessions};
    diesel::delete(sessions::table.filter(sessions::account_id.eq_any(account_ids)))
        .execute(conn)
        .await?;
    if tokens_too {
        diesel::delete(api_tokens::table.filter(api_tokens::account_id.eq_any(account_ids)))
            .execute(conn)
            .await?;
        diesel::update(accounts::table.filter(accounts::id.eq_any(account_ids)))
            .set(accounts::password_hash.eq(None::<String>))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Emits an account's event in every org where it is a user; one of no org for an account
/// in none.
pub(crate) async fn emit_everywhere(
    conn: &mut AsyncPgConnection,
    kind: EventType,
    account_id: &str,
    email: &str,
) -> DomainResult<()> {
    use diesel::{ExpressionMethods, QueryDsl};

    use crate::schema::users;
    let orgs: Vec<String> = users::table
        .filter(users::account_id.eq(account_id))
        .select(users::org_id)
        .distinct()
        .load(conn)
        .await?;
    let data = AccountEvent {
        id: account_id,
        email,
    };
    let all = match orgs.is_empty() {
        true => vec![NewEvent::in_org_or_none(None, kind, account_id, &data)?],
        false => orgs
            .iter()
            .map(|org| NewEvent::new(org.as_str(), kind, account_id, &data))
            .collect::<DomainResult<Vec<_>>>()?,
    };
    events::emit_all(conn, &all).await
}
