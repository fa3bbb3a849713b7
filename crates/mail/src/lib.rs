//! `roster-mail`: the mail Roster sends (verification, password reset, notices).
//!
//! A change that causes mail writes it to the outbox ([`outbox::enqueue`]) in its own
//! transaction, so that no mail goes out for a change that did not commit and none is lost
//! for one that did. The [`sender::Sender`] every gateway runs claims due mail with
//! `FOR UPDATE SKIP LOCKED`, sends it through the configured [`transport::Transport`], and
//! retries on a schedule. A mail that carries a link names only the link's purpose and
//! account: the sender makes the token as it sends, and stores its SHA-256 in
//! `mail_links` ([`links`]), so no usable token is ever at rest.

pub mod links;
pub mod outbox;
pub mod schema;
pub mod sender;
pub mod transport;

pub use links::Purpose;
pub use outbox::{Link, NewMail};
pub use transport::Transport;

/// The notification channel that wakes the sender (`roster_core::outbox::queued`).
pub const MAIL_CHANNEL: &str = "roster_mail";
