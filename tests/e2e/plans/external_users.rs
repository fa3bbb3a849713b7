//! External users' pages as PostgreSQL plans them.

use diesel_async::RunQueryDsl;
use roster_e2e::TestApp;
use serde_json::json;

use crate::external::lists::Catalog;
use crate::external::{id, USERS};

/// A page searched by a word, filtered by channels, is a prepared statement PostgreSQL
/// settles on a generic plan for (see `user_words::matches`): bound as parameters, the
/// channel list and the `LIMIT` made every call planned anew. Counted by PostgreSQL
/// itself, in `pg_prepared_statements`.
#[tokio::test]
async fn a_word_search_by_channels_settles_on_a_generic_plan() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    use roster_core::search::SearchTerm;
    use roster_external_users::paging::PageRequest;
    use roster_external_users::users::{self, ExternalUserFilter};
    use roster_external_users::{ChannelId, WorkspaceId};
    let app = TestApp::spawn().await;
    let catalog = Catalog::new(&app, &app.admin).await;
    let mut created = Vec::new();
    for i in 0..30 {
        let body =
            json!({"channelId": catalog.channels[i % 2], "name": format!("Quixote Knight{i}")});
        created.push(id(&app.external_create(&catalog.key, USERS, body).await));
    }
    let mut conn = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    diesel::sql_query("ANALYZE external_users, search_words, external_user_search_words")
        .execute(&mut conn)
        .await
        .unwrap();
    let workspace_id = WorkspaceId::parse(&catalog.workspace_id).unwrap();
    let filter = ExternalUserFilter {
        channel_ids: catalog
            .channels
            .iter()
            .map(|c| ChannelId::parse(c).unwrap())
            .collect(),
        search: SearchTerm::parse(Some("quixote")).unwrap(),
        ..ExternalUserFilter::default()
    };
    for _ in 0..8 {
        let page = users::list(
            &mut conn,
            workspace_id,
            &filter,
            PageRequest {
                number: 1,
                size: 20,
            },
        )
        .await
        .unwrap();
        assert_eq!((page.items.len(), page.total), (20, 30));
    }
    super::assert_generic_plans(
        &mut conn,
        "statement LIKE '%FROM external_user_search_words%'",
        1,
    )
    .await;
}
