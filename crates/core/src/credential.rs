//! Hashed credentials: API tokens, SCIM tokens and workspace API keys are each a random
//! secret shown once and stored only as its SHA-256 ([`secret`]), listed
//! oldest first by offset pages (never with the secret), and revoked by deleting their row.
//! What they share is written here once; each owning crate keeps its table and its rules
//! on who may see or revoke which.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::error::{DomainError, DomainResult};
use crate::page::{Cursor, Page, Paging};
use crate::secret;

/// A credential being issued: the secret, for the one answer that shows it, and its hash,
/// for the row.
#[derive(Debug)]
pub struct Issued {
    pub secret: String,
    pub hash: Vec<u8>,
}

impl Issued {
    /// A fresh secret `<prefix>_<32 random bytes>` and its SHA-256.
    pub fn new(prefix: &str) -> Self {
        let secret = secret::generate(prefix);
        let hash = secret::hash(&secret);
        Self { secret, hash }
    }
}

/// A credential's row as listed: ordered, and paged, by when it was made, then its id.
pub trait Listed {
    fn cursor(&self) -> Cursor;
}

/// One offset page of an owner's credentials, oldest first: `count` counts all of the
/// owner's, `load(conn, offset, limit)` loads `limit` of them from `offset` in
/// `(created_at, id)` order. A cursor in `paging` is a 400 (`cursor_unsupported`).
pub async fn list<T: Listed>(
    conn: &mut AsyncPgConnection,
    paging: &Paging,
    count: impl AsyncFnOnce(&mut AsyncPgConnection) -> QueryResult<i64>,
    load: impl AsyncFnOnce(&mut AsyncPgConnection, i64, i64) -> QueryResult<Vec<T>>,
) -> DomainResult<Page<T>> {
    let (offset, size) = paging.offset_only()?;
    let total = count(conn).await?;
    let rows = load(conn, offset, size + 1).await?;
    Ok(Page::assemble(paging, rows, total, false, T::cursor))
}

/// [`list`] over a credential table's rows: `$base` is a closure giving the query of the
/// owner's rows (`table.filter(owner)`, boxed or not), `$row` the listed type (diesel
/// `Selectable`), `$table` the table's module (its `created_at` and `id` order the page).
/// The caller has diesel's `prelude` and diesel-async's `RunQueryDsl` in scope.
#[macro_export]
macro_rules! credential_page {
    ($conn:expr, $paging:expr, $base:expr, $row:ty, $table:ident) => {
        $crate::credential::list(
            $conn,
            $paging,
            async |conn| $base().count().get_result(conn).await,
            async |conn, offset, limit| {
                $base()
                    .select(<$row>::as_select())
                    .order(($table::created_at.asc(), $table::id.asc()))
                    .offset(offset)
                    .limit(limit)
                    .load(conn)
                    .await
            },
        )
    };
}

/// What deleting a credential's row (by its id, within its owner) gave: nothing is a 404
/// named `what`, as an unknown id and another owner's are alike.
pub fn revoked<T>(deleted: Option<T>, what: &'static str) -> DomainResult<T> {
    deleted.ok_or_else(|| DomainError::not_found(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_credential_keeps_only_the_hash_of_its_secret() {
        let issued = Issued::new("rpat");
        assert!(issued.secret.starts_with("rpat_"), "{}", issued.secret);
        assert_eq!(issued.hash, secret::hash(&issued.secret));
        assert_ne!(Issued::new("rpat").hash, issued.hash);
    }

    #[test]
    fn revoking_nothing_is_a_404_of_its_kind() {
        assert_eq!(revoked(Some(3), "token").unwrap(), 3);
        let err = revoked::<()>(None, "scim_token").unwrap_err();
        assert!(matches!(err, DomainError::NotFound { .. }), "{err:?}");
    }
}
