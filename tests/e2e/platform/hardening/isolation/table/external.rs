//! The table's rows for the external family: workspaces and API keys, external users,
//! channels, tiers and groups.

use reqwest::Method;
use serde_json::json;

use super::{by_id, status, Expect, Row};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // External-users workspaces and API keys
        ("get", "/api/v1/app/workspaces", |c| {
            c.app(Method::GET, "/workspaces", None, status(&[200]))
        }),
        ("post", "/api/v1/app/workspaces", |c| {
            c.app(
                Method::POST,
                "/workspaces",
                Some(json!({"name": "Probe workspace"})),
                status(&[201]),
            )
        }),
        ("get", "/api/v1/app/workspaces/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/workspaces/{}", b.workspace_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/workspaces/{}", a.workspace_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("get", "/api/v1/app/workspaces/{id}/api-keys", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/workspaces/{}/api-keys", b.workspace_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/workspaces/{}/api-keys", a.workspace_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/workspaces/{id}/api-keys", |c| {
            let path = format!("/workspaces/{}/api-keys", c.w.b.workspace_id);
            c.app(
                Method::POST,
                &path,
                Some(json!({"name": "stolen"})),
                status(&[404]),
            )
        }),
        (
            "delete",
            "/api/v1/app/workspaces/{id}/api-keys/{key_id}",
            |c| {
                let (a, b) = (&c.w.a, &c.w.b);
                let mut p = c.app(
                    Method::DELETE,
                    &format!("/workspaces/{}/api-keys/{}", b.workspace_id, b.api_key_id),
                    None,
                    status(&[404]),
                );
                p.extend(c.app(
                    Method::DELETE,
                    &format!("/workspaces/{}/api-keys/{}", a.workspace_id, b.api_key_id),
                    None,
                    status(&[404]),
                ));
                p
            },
        ),
        // External users
        ("post", "/api/v1/external-users/authenticate", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let path = "/api/v1/external-users/authenticate";
            let mut p = c.external(
                Method::POST,
                path,
                Some(json!({"channelId": b.channel_id, "externalId": null, "id": null, "identifier": "visitor@acme.test"})),
                status(&[404]),
            );
            p.extend(c.external(
                Method::POST,
                path,
                Some(json!({"channelId": a.channel_id, "externalId": null, "id": b.external_user_id, "identifier": null})),
                status(&[404]),
            ));
            p
        }),
        ("get", "/api/v1/external-users/me", |c| {
            let req = c
                .app_client()
                .anon(Method::GET, "/api/v1/external-users/me")
                .bearer_auth(&c.w.a.access_token);
            vec![c.probe(
                "GET /api/v1/external-users/me [A access token]".into(),
                req,
                &None,
                status(&[200]),
            )]
        }),
        ("get", "/api/v1/external-users", |c| {
            let b = &c.w.b;
            let mut p = c.external(Method::GET, "/api/v1/external-users", None, status(&[200]));
            for query in [
                format!("channelIds={}", b.channel_id),
                format!("tierIds={}", b.tier_id),
                format!("externalUserGroupIds={}", b.group_id),
                format!("superIdentityIds={}", b.super_identity_id),
                format!("search={}", b.external_id),
            ] {
                let path = format!("/api/v1/external-users?{query}");
                p.extend(c.external(Method::GET, &path, None, Expect::EmptyList));
            }
            p
        }),
        ("post", "/api/v1/external-users", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            [
                json!({"channelId": b.channel_id, "identifier": "v1@acme.test"}),
                json!({"channelId": a.channel_id, "identifier": "v2@acme.test", "tierId": b.tier_id}),
                json!({"channelId": a.channel_id, "identifier": "v3@acme.test", "externalUserGroupId": b.group_id}),
            ]
            .into_iter()
            .flat_map(|body| c.external(Method::POST, "/api/v1/external-users", Some(body), status(&[404])))
            .collect()
        }),
        // Bulk imports of external users and the export: B's import is a 404 to A, and
        // B's channel is not found by A's import.
        ("post", "/api/v1/external-user-imports", |c| {
            let line = json!({"channelId": c.w.b.channel_id, "externalId": "probe-import"});
            let mut p = c.external(
                Method::POST,
                "/api/v1/external-user-imports",
                None,
                status(&[202]),
            );
            for probe in &mut p {
                probe.req = probe
                    .req
                    .try_clone()
                    .expect("a plain request")
                    .body(format!("{line}\n"));
            }
            p
        }),
        ("get", "/api/v1/external-user-imports/{id}", |c| {
            let path = format!("/api/v1/external-user-imports/{}", c.w.b.external_import_id);
            c.external(Method::GET, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/external-user-imports/{id}/errors", |c| {
            let path = format!(
                "/api/v1/external-user-imports/{}/errors",
                c.w.b.external_import_id
            );
            c.external(Method::GET, &path, None, status(&[404]))
        }),
        ("get", "/api/v1/external-user-export", |c| {
            c.external(
                Method::GET,
                "/api/v1/external-user-export",
                None,
                status(&[200]),
            )
        }),
        ("get", "/api/v1/external-users/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.external(
                Method::GET,
                &format!("/api/v1/external-users/{}", b.external_user_id),
                None,
                status(&[404]),
            );
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/external-users/{}", a.external_user_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/external-users/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.external(
                Method::PATCH,
                &format!("/api/v1/external-users/{}", b.external_user_id),
                Some(json!({"name": "Renamed by A", "blocked": true})),
                status(&[404]),
            );
            for body in [
                json!({"tierId": b.tier_id}),
                json!({"externalUserGroupId": b.group_id}),
            ] {
                let path = format!("/api/v1/external-users/{}", a.external_user_id);
                p.extend(c.external(Method::PATCH, &path, Some(body), status(&[404])));
            }
            p
        }),
        // Channels, tiers, groups
        ("get", "/api/v1/channels", |c| {
            c.external(Method::GET, "/api/v1/channels", None, status(&[200]))
        }),
        ("post", "/api/v1/channels", |c| {
            c.external(
                Method::POST,
                "/api/v1/channels",
                Some(json!({"name": "Probe channel"})),
                status(&[200]),
            )
        }),
        ("get", "/api/v1/channels/{id}", |c| {
            let mut p = by_id(c, Method::GET, "channels", &c.w.b.channel_id, None);
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/channels/{}", c.w.a.channel_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/channels/{id}", |c| {
            by_id(
                c,
                Method::PATCH,
                "channels",
                &c.w.b.channel_id,
                Some(json!({"name": "Renamed"})),
            )
        }),
        ("delete", "/api/v1/channels/{id}", |c| {
            by_id(c, Method::DELETE, "channels", &c.w.b.channel_id, None)
        }),
        ("get", "/api/v1/tiers", |c| {
            c.external(Method::GET, "/api/v1/tiers", None, status(&[200]))
        }),
        ("post", "/api/v1/tiers", |c| {
            c.external(
                Method::POST,
                "/api/v1/tiers",
                Some(json!({"name": "Probe tier"})),
                status(&[200]),
            )
        }),
        ("get", "/api/v1/tiers/{id}", |c| {
            let mut p = by_id(c, Method::GET, "tiers", &c.w.b.tier_id, None);
            p.extend(c.external(
                Method::GET,
                &format!("/api/v1/tiers/{}", c.w.a.tier_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("patch", "/api/v1/tiers/{id}", |c| {
            by_id(
                c,
                Method::PATCH,
                "tiers",
                &c.w.b.tier_id,
                Some(json!({"name": "Renamed"})),
            )
        }),
        ("delete", "/api/v1/tiers/{id}", |c| {
            by_id(c, Method::DELETE, "tiers", &c.w.b.tier_id, None)
        }),
        ("get", "/api/v1/external-user-groups", |c| {
            let b = &c.w.b;
            let mut p = c.external(
                Method::GET,
                "/api/v1/external-user-groups",
                None,
                status(&[200]),
            );
            for query in [
                format!("ids={}", b.group_id),
                format!("tierIds={}", b.tier_id),
                format!("externalId={}", b.group_external_id),
                format!("search={}", b.group_external_id),
            ] {
                let path = format!("/api/v1/external-user-groups?{query}");
                p.extend(c.external(Method::GET, &path, None, Expect::EmptyList));
            }
            p
        }),
        ("post", "/api/v1/external-user-groups", |c| {
            let body = json!({"name": "Probe group", "tierId": c.w.b.tier_id});
            c.external(
                Method::POST,
                "/api/v1/external-user-groups",
                Some(body),
                status(&[404]),
            )
        }),
        ("get", "/api/v1/external-user-groups/{id}", |c| {
            let mut p = by_id(
                c,
                Method::GET,
                "external-user-groups",
                &c.w.b.group_id,
                None,
            );
            let own = format!("/api/v1/external-user-groups/{}", c.w.a.group_id);
            p.extend(c.external(Method::GET, &own, None, status(&[200])));
            p
        }),
        ("patch", "/api/v1/external-user-groups/{id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = by_id(
                c,
                Method::PATCH,
                "external-user-groups",
                &b.group_id,
                Some(json!({"name": "Renamed"})),
            );
            p.extend(by_id(
                c,
                Method::PATCH,
                "external-user-groups",
                &a.group_id,
                Some(json!({"tierId": b.tier_id})),
            ));
            p
        }),
        ("delete", "/api/v1/external-user-groups/{id}", |c| {
            by_id(
                c,
                Method::DELETE,
                "external-user-groups",
                &c.w.b.group_id,
                None,
            )
        }),
    ]
}
