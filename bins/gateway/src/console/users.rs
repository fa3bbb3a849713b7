//! The Users page: the org's users by cursor pages (the list function of
//! `GET /api/v1/app/user`), filtered, and the "Create user" form (the API's create).

use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use askama::Template;
use roster_core::page::Paging;
use roster_core::search::SearchTerm;
use roster_identity::requests::{CreateUserRequest, UserInfo};
use roster_identity::users::{self, NewUser, Role, User, UserFilter, UserState};
use serde::Deserialize;

use super::form::Form;
use super::page::{
    cursor_paging, link, query, render, see_other, when, ConsoleError, ConsoleResult, Layout,
};
use super::session::AdminConsole;

/// The query of the Users page (empty fields mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    pub search: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub role: String,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl UsersQuery {
    /// The list's filter, checked by the API's own rules.
    pub fn filter(&self) -> Result<UserFilter, ConsoleError> {
        fn pick(raw: &str) -> Option<&str> {
            Some(raw).filter(|r| !r.is_empty())
        }
        Ok(UserFilter {
            state: pick(&self.state)
                .map(|s| UserState::parse("state", s))
                .transpose()?,
            role: pick(&self.role)
                .map(|r| Role::parse("role", r))
                .transpose()?,
            search: SearchTerm::parse(pick(&self.search))?,
            metadata: Default::default(),
        })
    }

    /// The cursor page asked for (the first one without a cursor).
    pub fn paging(&self) -> Result<Paging, ConsoleError> {
        cursor_paging(self.after.as_deref(), self.before.as_deref())
    }

    /// The page's link with these filters and one cursor.
    pub fn link(&self, cursor: (&str, &str)) -> String {
        link(
            "/console/users",
            &[
                ("search", self.search.as_str()),
                ("state", self.state.as_str()),
                ("role", self.role.as_str()),
                cursor,
            ],
        )
    }
}

/// One choice of a filter's select.
pub struct Choice {
    pub value: &'static str,
    pub selected: bool,
}

fn choices(all: impl Iterator<Item = &'static str>, chosen: &str) -> Vec<Choice> {
    all.map(|value| Choice {
        value,
        selected: value == chosen,
    })
    .collect()
}

/// A user as the table shows it.
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub state: &'static str,
    pub created: String,
}

impl From<User> for UserRow {
    fn from(u: User) -> Self {
        Self {
            id: u.id.to_string(),
            name: u.name,
            email: u.email,
            role: u.roles.first().map_or("", |r| r.as_str()),
            state: u.state.as_str(),
            created: when(u.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "console/users.html")]
pub struct UsersPage<'a> {
    pub layout: Option<&'a Layout>,
    pub csrf: &'a str,
    pub search: &'a str,
    pub states: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub total: i64,
    pub rows: Vec<UserRow>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// `GET /console/users`: one page of the org's users (AppAdmin).
pub async fn list(console: AdminConsole, req: HttpRequest) -> ConsoleResult {
    let q: UsersQuery = query(&req).map_err(|e| console.fail(e))?;
    let filter = q.filter().map_err(|e| console.fail(e))?;
    let paging = q.paging().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let page = users::list(&mut conn, &console.principal.user.org_id, &filter, &paging)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("users");
    render(
        StatusCode::OK,
        &UsersPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            search: &q.search,
            states: choices(UserState::ALL.iter().map(|s| s.as_str()), &q.state),
            roles: choices(Role::ALL.iter().map(|r| r.as_str()), &q.role),
            total: page.total_count,
            previous: page
                .previous_cursor
                .as_deref()
                .map(|c| q.link(("before", c))),
            next: page.next_cursor.as_deref().map(|c| q.link(("after", c))),
            rows: page.data.into_iter().map(UserRow::from).collect(),
        },
    )
}

/// `POST /console/users`: adds a user as `POST /api/v1/app/user` does (AppAdmin).
pub async fn create(console: AdminConsole, form: Form) -> ConsoleResult {
    let role =
        Role::parse("role", form.raw("role").unwrap_or_default()).map_err(|e| console.fail(e))?;
    let request = CreateUserRequest {
        account_id: None,
        role,
        user_info: UserInfo {
            email: form.text("email").unwrap_or_default(),
            name: form.text("name").unwrap_or_default(),
            given_name: None,
            family_name: None,
            job_position_name: None,
            job_position_description: None,
        },
        metadata: None,
    };
    let new = NewUser::try_from(request).map_err(|e| console.fail(e))?;
    let user = console
        .state
        .writer
        .create_user(&console.principal.user.org_id, new, None)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/users/{}", user.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_encode_them() {
        let q = UsersQuery {
            search: "a&b".into(),
            role: "AppAdmin".into(),
            ..UsersQuery::default()
        };
        assert_eq!(
            q.link(("after", "c1")),
            "/console/users?search=a%26b&role=AppAdmin&after=c1"
        );
    }

    #[test]
    fn blank_filters_are_none_and_unknown_values_refused() {
        let q = UsersQuery::default();
        let f = q.filter().unwrap();
        assert!(f.state.is_none() && f.role.is_none() && f.search.is_none());
        let bad = UsersQuery {
            state: "Sleeping".into(),
            ..UsersQuery::default()
        };
        assert_eq!(bad.filter().unwrap_err().status, StatusCode::BAD_REQUEST);
        assert!(matches!(
            q.paging().unwrap(),
            Paging::After { cursor: None, .. }
        ));
    }
}
