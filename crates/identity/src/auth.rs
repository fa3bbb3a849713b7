//! Who is calling: a credential (API token or session token) resolves to an account, and
//! the account plus an org reference resolves to that org's active user.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::time::Timestamp;
use roster_core::DomainError;

use crate::schema::{orgs, users};
use crate::sessions::{self, Session, SESSION_PREFIX};
use crate::tokens::{self, TOKEN_PREFIX};
use crate::users::UserRecord;
use crate::AccountId;

/// An account that proved who it is, and the session it used (if it used one).
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub account_id: AccountId,
    pub session: Option<Session>,
    /// When the credential stops working (`None`: an API token that never expires).
    pub expires_at: Option<Timestamp>,
}

/// Resolves an API token or session token; anything unknown or expired is a 401.
pub async fn authenticate(
    conn: &mut AsyncPgConnection,
    secret: &str,
) -> DomainResult<Authenticated> {
    let invalid = || DomainError::unauthorized("the credential is invalid, expired or revoked");
    if secret.starts_with(&format!("{SESSION_PREFIX}_")) {
        let session = sessions::find(conn, secret).await?.ok_or_else(invalid)?;
        Ok(Authenticated {
            account_id: session.account_id.clone(),
            expires_at: Some(session.expires_at),
            session: Some(session),
        })
    } else if secret.starts_with(&format!("{TOKEN_PREFIX}_")) {
        let (account_id, expires_at) = tokens::account_of(conn, secret)
            .await?
            .ok_or_else(invalid)?;
        Ok(Authenticated {
            account_id,
            session: None,
            expires_at,
        })
    } else {
        Err(invalid())
    }
}

/// The caller inside one org: the account and its active user there.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: AccountId,
    pub user: UserRecord,
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.user.is_admin()
    }

    /// 403 unless the caller is an AppAdmin.
    pub fn require_admin(&self) -> DomainResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(DomainError::forbidden(
                "admin_required",
                "this action needs the AppAdmin role",
            ))
        }
    }
}

/// The caller's active user in the org named by `org_ref` (slug or id), or else in the
/// session's active org. No org: 400. Not an active user there (or no such org): 403.
pub async fn principal(
    conn: &mut AsyncPgConnection,
    auth: &Authenticated,
    org_ref: Option<&str>,
) -> DomainResult<Principal> {
    let session_org = auth
        .session
        .as_ref()
        .and_then(|s| s.active_org_id.as_ref())
        .map(|o| o.as_str());
    let org_ref = org_ref.or(session_org).ok_or_else(|| {
        DomainError::bad_request(
            "org_required",
            "the x-org header (org slug or id) is required",
        )
    })?;
    let user: Option<UserRecord> = users::table
        .inner_join(orgs::table)
        .filter(users::account_id.eq(&auth.account_id))
        .filter(orgs::slug.eq(org_ref).or(orgs::id.eq(org_ref)))
        .select(UserRecord::as_select())
        .first(conn)
        .await
        .optional()?;
    match user {
        Some(user) if user.is_active() => Ok(Principal {
            account_id: auth.account_id.clone(),
            user,
        }),
        Some(_) => Err(DomainError::forbidden(
            "user_inactive",
            "your user in this org is deactivated",
        )),
        None => Err(DomainError::forbidden(
            "not_a_member",
            "you are not a user of this org",
        )),
    }
}
