//! First-run setup: an org, an account and an AppAdmin user, each created if absent,
//! plus a fresh API token.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::text::{Email, Slug, Text};

use crate::accounts;
use crate::passwords::HashedPassword;
use crate::users::{self, NewUser, Role};
use crate::{orgs, tokens, AccountId, OrgId, UserId};

/// An org's name.
pub const ORG_NAME: Text = Text::new(1, 200);

#[derive(Debug)]
pub struct Bootstrap {
    pub org_slug: Slug,
    pub org_name: String,
    pub email: Email,
    pub name: String,
    /// The account's password, when it has none yet (see `passwords::Hasher::hash_new`).
    pub password: Option<HashedPassword>,
}

#[derive(Debug, Clone)]
pub struct Bootstrapped {
    pub org_id: OrgId,
    pub org_slug: String,
    pub account_id: AccountId,
    pub user_id: UserId,
    /// A fresh API token secret for the account.
    pub token: String,
}

/// Idempotent except for the token: running it again creates nothing but a new token.
pub async fn run(conn: &mut AsyncPgConnection, cmd: Bootstrap) -> DomainResult<Bootstrapped> {
    let org = match orgs::find(conn, cmd.org_slug.as_str()).await {
        Ok(org) => org,
        Err(e) if e.is_not_found() => {
            match orgs::create(conn, &cmd.org_slug, &cmd.org_name).await {
                Ok(org) => org,
                // Another bootstrap created it meanwhile.
                Err(roster_core::DomainError::Conflict { .. }) => {
                    orgs::find(conn, cmd.org_slug.as_str()).await?
                }
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let account_id = accounts::find_or_create_by_email(conn, &cmd.email, &cmd.name).await?;
    if let Some(password) = cmd.password {
        accounts::set_password_if_absent(conn, &account_id, password).await?;
    }
    let user = match users::of_account(conn, &org.id, &account_id).await? {
        Some(user) => user.id,
        None => {
            users::create(
                conn,
                &org.id,
                NewUser {
                    account_id: Some(account_id.clone()),
                    role: Role::AppAdmin,
                    email: cmd.email.clone(),
                    name: cmd.name.clone(),
                    given_name: None,
                    family_name: None,
                    job_position_name: None,
                    job_position_description: None,
                    metadata: Default::default(),
                },
            )
            .await?
            .id
        }
    };
    let token = tokens::create(conn, &org.id, &account_id, "bootstrap", None).await?;
    Ok(Bootstrapped {
        org_id: org.id,
        org_slug: org.slug,
        account_id,
        user_id: user,
        token: token.secret,
    })
}
