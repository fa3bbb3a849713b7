//! Email ownership: an account made by sign-up is unverified until its owner follows the
//! link Roster mails them. An administrator adding a user by the email of an unverified
//! account that has a password does not hand that account over: its password, sessions,
//! API tokens and links are revoked (`account.reclaimed`) and the real owner is mailed a
//! link to set a password. A verified account added to another org gets a notice.

pub mod flows;
mod mails;
pub mod requests;

use diesel::sql_types::{Array, Bool, Nullable, Text, Timestamptz};
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
    to_reclaim: bool,
}

/// What follows an administrator adding users (each an org and its account), in the
/// transaction that added them: accounts signed up by someone who never proved the email
/// are reclaimed and mailed a link to set a password; the others get the mail
/// `admin_added_mails` picks (the rule and the choice are the database's, shared with
/// `users_create_by_email`).
pub async fn after_admin_add(
    conn: &mut AsyncPgConnection,
    added: &[(&OrgId, &AccountId)],
) -> DomainResult<()> {
    let rows: Vec<Added> = roster_core::db::prepared_once(
        diesel::sql_query(
            "SELECT i.org_id, o.name AS org_name, a.id, a.email,
                    account_to_reclaim(a) AS to_reclaim
               FROM unnest($1::text[], $2::text[]) AS i(org_id, account_id)
               JOIN accounts a ON a.id = i.account_id
               JOIN orgs o ON o.id = i.org_id",
        )
        .bind::<Array<Text>, _>(added.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(added.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>()),
    )
    .load(conn)
    .await?;
    let (to_reclaim, others): (Vec<&Added>, Vec<&Added>) =
        rows.iter().partition(|row| row.to_reclaim);
    reclaim(conn, &to_reclaim).await?;
    let reclaimed: Vec<_> = to_reclaim
        .iter()
        .map(|row| mails::set_password(&row.email, &row.id, &row.org_name, true))
        .collect();
    roster_mail::outbox::enqueue(conn, &reclaimed).await?;
    if others.is_empty() {
        return Ok(());
    }
    let texts = added_mails();
    let purpose = texts
        .invite
        .link
        .as_ref()
        .map(|l| l.purpose.as_str().to_owned());
    let now = roster_core::time::now();
    roster_core::db::prepared_once(
        diesel::sql_query("SELECT admin_added_mails($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .bind::<Array<Text>, _>(
                others
                    .iter()
                    .map(|_| roster_core::id::generate("mail"))
                    .collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(others.iter().map(|r| r.org_id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(others.iter().map(|r| r.id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Timestamptz>, _>(vec![now; others.len()])
            .bind::<Text, _>(ORG_SLOT)
            .bind::<Text, _>(texts.notice.subject)
            .bind::<Text, _>(texts.notice.body)
            .bind::<Text, _>(texts.invite.subject)
            .bind::<Text, _>(texts.invite.body)
            .bind::<Nullable<Text>, _>(purpose),
    )
    .execute(conn)
    .await?;
    roster_core::outbox::queued(conn, roster_mail::MAIL_CHANNEL).await
}

/// The slot of the org's name in [`added_mails`]' texts.
pub const ORG_SLOT: &str = "{org}";

/// The texts of the mails an added user whose account is not reclaimed is sent, with
/// [`ORG_SLOT`] for the org's name and no recipient (the account's email): the notice to a
/// verified owner, and the link to set a password to another. The database function
/// `admin_added_mails` picks and fills them in, for [`after_admin_add`] and
/// `users_create_by_email` alike.
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
