//! The table's rows for projects, their pins, members and artifacts.

use reqwest::Method;
use serde_json::json;

use super::{artifact, status, Row};

pub(super) fn rows() -> Vec<Row> {
    vec![
        // Projects and pins
        ("get", "/api/v1/app/project", |c| {
            c.app(Method::GET, "/project", None, status(&[200]))
        }),
        ("post", "/api/v1/app/project", |c| {
            c.app(
                Method::POST,
                "/project",
                Some(json!({"name": "Probe project"})),
                status(&[201]),
            )
        }),
        ("get", "/api/v1/app/project/{id}", |c| {
            c.app(
                Method::GET,
                &format!("/project/{}", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("put", "/api/v1/app/project/{id}", |c| {
            let body = json!({"goal": "Changed by A"});
            c.app(
                Method::PUT,
                &format!("/project/{}", c.w.b.project_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("delete", "/api/v1/app/project/{id}", |c| {
            c.app(
                Method::DELETE,
                &format!("/project/{}", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("post", "/api/v1/app/project/{id}/pin", |c| {
            c.app(
                Method::POST,
                &format!("/project/{}/pin", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("delete", "/api/v1/app/project/{id}/pin", |c| {
            c.app(
                Method::DELETE,
                &format!("/project/{}/pin", c.w.b.project_id),
                None,
                status(&[404]),
            )
        }),
        ("get", "/api/v1/app/user/{id}/project", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/user/{}/project", b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/user/{}/project", a.member_id),
                None,
                status(&[200]),
            ));
            p
        }),
        // Members
        ("get", "/api/v1/app/project/{id}/member", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/project/{}/member", b.project_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/project/{}/member", a.project_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/project/{id}/member", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::POST,
                &format!("/project/{}/member", b.project_id),
                Some(json!({"user_id": a.member_id, "role": "Viewer"})),
                status(&[404]),
            );
            p.extend(c.app(
                Method::POST,
                &format!("/project/{}/member", a.project_id),
                Some(json!({"user_id": b.member_id, "role": "Viewer"})),
                status(&[404]),
            ));
            p
        }),
        ("put", "/api/v1/app/project/{id}/member/{user_id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let body = Some(json!({"role": "Owner"}));
            let mut p = c.app(
                Method::PUT,
                &format!("/project/{}/member/{}", b.project_id, b.member_id),
                body.clone(),
                status(&[404]),
            );
            p.extend(c.app(
                Method::PUT,
                &format!("/project/{}/member/{}", a.project_id, b.member_id),
                body,
                status(&[404]),
            ));
            p
        }),
        ("delete", "/api/v1/app/project/{id}/member/{user_id}", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::DELETE,
                &format!("/project/{}/member/{}", b.project_id, b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::DELETE,
                &format!("/project/{}/member/{}", a.project_id, b.member_id),
                None,
                status(&[404]),
            ));
            p
        }),
        // Artifacts
        ("get", "/api/v1/app/project/{id}/artifact", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/project/{}/artifact", b.project_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/project/{}/artifact", a.project_id),
                None,
                status(&[200]),
            ));
            p
        }),
        ("post", "/api/v1/app/project/{id}/artifact", |c| {
            let body = json!({"name": "Probe artifact", "type": "Document"});
            let path = format!("/project/{}/artifact", c.w.b.project_id);
            c.app(Method::POST, &path, Some(body), status(&[404]))
        }),
        (
            "get",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::GET, None),
        ),
        (
            "patch",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::PATCH, Some(json!({"state": "Failed"}))),
        ),
        (
            "delete",
            "/api/v1/app/project/{id}/artifact/{artifact_id}",
            |c| artifact(c, Method::DELETE, None),
        ),
        ("get", "/api/v1/app/user/{id}/latest-artifacts", |c| {
            let (a, b) = (&c.w.a, &c.w.b);
            let mut p = c.app(
                Method::GET,
                &format!("/user/{}/latest-artifacts", b.member_id),
                None,
                status(&[404]),
            );
            p.extend(c.app(
                Method::GET,
                &format!("/user/{}/latest-artifacts", a.admin.user_id),
                None,
                status(&[200]),
            ));
            p
        }),
    ]
}
