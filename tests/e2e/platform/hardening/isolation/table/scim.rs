//! The table's rows for the SCIM server: discovery is public; A's SCIM token sees none of
//! B's users (404, empty lists), and A's App token is refused (401).

use reqwest::Method;
use serde_json::json;

use super::{status, Expect, Row};

pub(super) fn rows() -> Vec<Row> {
    vec![
        ("get", "/scim/v2/ServiceProviderConfig", |c| {
            c.anon(
                Method::GET,
                "/scim/v2/ServiceProviderConfig",
                None,
                status(&[200]),
            )
        }),
        ("get", "/scim/v2/ResourceTypes", |c| {
            c.anon(Method::GET, "/scim/v2/ResourceTypes", None, status(&[200]))
        }),
        ("get", "/scim/v2/ResourceTypes/{id}", |c| {
            c.anon(
                Method::GET,
                "/scim/v2/ResourceTypes/User",
                None,
                status(&[200]),
            )
        }),
        ("get", "/scim/v2/Schemas", |c| {
            c.anon(Method::GET, "/scim/v2/Schemas", None, status(&[200]))
        }),
        ("get", "/scim/v2/Schemas/{id}", |c| {
            c.anon(
                Method::GET,
                "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
                None,
                status(&[200]),
            )
        }),
        ("get", "/scim/v2/Users", |c| {
            let mut p = c.scim(Method::GET, "/scim/v2/Users", None, status(&[200]));
            for filter in [
                format!("userName eq \"{}\"", c.w.b.member_email),
                format!("id eq \"{}\"", c.w.b.member_id),
            ] {
                let path = format!("/scim/v2/Users?filter={}", urlencode(&filter));
                let mut probes = c.scim(Method::GET, &path, None, Expect::EmptyList);
                for probe in &mut probes {
                    probe.echo.push(c.w.b.member_email.to_lowercase());
                    probe.echo.push(c.w.b.member_id.to_lowercase());
                }
                p.extend(probes);
            }
            p
        }),
        ("post", "/scim/v2/.search", |c| {
            c.scim(
                Method::POST,
                "/scim/v2/.search",
                Some(json!({})),
                status(&[501]),
            )
        }),
        ("post", "/scim/v2/Users/.search", |c| {
            let body = json!({"filter": format!("userName eq \"{}\"", c.w.b.member_email)});
            let mut probes = c.scim(
                Method::POST,
                "/scim/v2/Users/.search",
                Some(body),
                Expect::EmptyList,
            );
            for probe in &mut probes {
                probe.echo.push(c.w.b.member_email.to_lowercase());
            }
            probes
        }),
        ("delete", "/scim/v2/Users/{id}", |c| {
            c.scim(
                Method::DELETE,
                &format!("/scim/v2/Users/{}", c.w.b.member_id),
                None,
                status(&[404]),
            )
        }),
        ("post", "/scim/v2/Users", |c| {
            let body = json!({"userName": format!("probe-{}@scim.test", c.w.a.label)});
            c.scim(Method::POST, "/scim/v2/Users", Some(body), status(&[201]))
        }),
        ("get", "/scim/v2/Users/{id}", |c| {
            c.scim(
                Method::GET,
                &format!("/scim/v2/Users/{}", c.w.b.member_id),
                None,
                status(&[404]),
            )
        }),
        ("put", "/scim/v2/Users/{id}", |c| {
            let body = json!({"userName": "intruder@scim.test"});
            c.scim(
                Method::PUT,
                &format!("/scim/v2/Users/{}", c.w.b.member_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("patch", "/scim/v2/Users/{id}", |c| {
            let body = json!({"Operations": [{"op": "replace", "value": {"active": false}}]});
            c.scim(
                Method::PATCH,
                &format!("/scim/v2/Users/{}", c.w.b.member_id),
                Some(body),
                status(&[404]),
            )
        }),
        ("get", "/scim/v2/Groups", |c| {
            let mut p = c.scim(Method::GET, "/scim/v2/Groups", None, status(&[200]));
            for filter in [
                format!("id eq \"{}\"", c.w.b.org_group_id),
                format!("members.value eq \"{}\"", c.w.b.member_id),
            ] {
                let path = format!("/scim/v2/Groups?filter={}", urlencode(&filter));
                let mut probes = c.scim(Method::GET, &path, None, Expect::EmptyList);
                for probe in &mut probes {
                    probe.echo.push(c.w.b.org_group_id.to_lowercase());
                }
                p.extend(probes);
            }
            p
        }),
        ("post", "/scim/v2/Groups/.search", |c| {
            let body = json!({"filter": format!("id eq \"{}\"", c.w.b.org_group_id)});
            let mut probes = c.scim(
                Method::POST,
                "/scim/v2/Groups/.search",
                Some(body),
                Expect::EmptyList,
            );
            for probe in &mut probes {
                probe.echo.push(c.w.b.org_group_id.to_lowercase());
            }
            probes
        }),
        ("post", "/scim/v2/Groups", |c| {
            // B's user as a member of A's new group: not a user of A's org.
            let body = json!({"displayName": format!("probe-{}", c.w.a.label),
                "members": [{"value": c.w.b.member_id}]});
            c.scim(Method::POST, "/scim/v2/Groups", Some(body), status(&[400]))
        }),
        ("get", "/scim/v2/Groups/{id}", |c| {
            let path = format!("/scim/v2/Groups/{}", c.w.b.org_group_id);
            c.scim(Method::GET, &path, None, status(&[404]))
        }),
        ("put", "/scim/v2/Groups/{id}", |c| {
            let path = format!("/scim/v2/Groups/{}", c.w.b.org_group_id);
            let body = json!({"displayName": "Intruders"});
            c.scim(Method::PUT, &path, Some(body), status(&[404]))
        }),
        ("patch", "/scim/v2/Groups/{id}", |c| {
            let path = format!("/scim/v2/Groups/{}", c.w.b.org_group_id);
            let body = json!({"Operations": [{"op": "replace", "value": {"displayName": "X"}}]});
            c.scim(Method::PATCH, &path, Some(body), status(&[404]))
        }),
        ("delete", "/scim/v2/Groups/{id}", |c| {
            let path = format!("/scim/v2/Groups/{}", c.w.b.org_group_id);
            c.scim(Method::DELETE, &path, None, status(&[404]))
        }),
    ]
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
