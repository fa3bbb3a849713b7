//! Queuing mail: rows of the outbox, written in the caller's transaction.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;

use crate::links::Purpose;
use crate::schema::mail_outbox;

/// Where `{link}` in a mail's body goes: the URL of a link the sender makes as it sends.
pub const LINK_PLACEHOLDER: &str = "{link}";

/// A link a mail carries: what it does, for which account, and where the browser goes
/// after it is followed (a URL the caller checked).
#[derive(Debug, Clone)]
pub struct Link {
    pub purpose: Purpose,
    pub account_id: String,
    pub callback: Option<String>,
}

/// A mail to queue. Its body must hold no secret: a link is named by `link`, and its URL
/// replaces `{link}` in the body when the mail is sent.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub link: Option<Link>,
}

/// Queues mail in the caller's transaction; the sender is woken once it commits.
pub async fn enqueue(conn: &mut AsyncPgConnection, mails: &[NewMail]) -> DomainResult<()> {
    if mails.is_empty() {
        return Ok(());
    }
    let now = roster_core::time::now();
    let rows: Vec<_> = mails
        .iter()
        .map(|m| {
            (
                mail_outbox::id.eq(roster_core::id::generate("mail")),
                mail_outbox::recipient.eq(m.to.as_str()),
                mail_outbox::subject.eq(m.subject.as_str()),
                mail_outbox::body.eq(Some(m.body.as_str())),
                mail_outbox::link_purpose.eq(m.link.as_ref().map(|l| l.purpose.as_str())),
                mail_outbox::link_account_id.eq(m.link.as_ref().map(|l| l.account_id.as_str())),
                mail_outbox::link_callback.eq(m.link.as_ref().and_then(|l| l.callback.as_deref())),
                mail_outbox::created_at.eq(now),
                mail_outbox::next_attempt_at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(mail_outbox::table)
        .values(rows)
        .execute(conn)
        .await?;
    roster_core::outbox::queued(conn, crate::MAIL_CHANNEL).await
}
