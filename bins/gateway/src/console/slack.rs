//! Slack (AppAdmin): the org's Slack workspaces, a workspace's linked users, and a link
//! undone, by the functions of `/work-apps/slack` (the same unlink rule and event).

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_slack::links::{self, LinkRecord, Target, Unlinker};
use roster_slack::workspaces;
use roster_slack::{SlackUserId, TeamId};

use super::form::Form;
use super::page::{render, see_other, when, ConsoleError, ConsoleResult, Layout};
use super::session::AdminConsole;

pub struct TeamRow {
    pub team_id: String,
    pub name: String,
    pub how: &'static str,
    pub confirmed: &'static str,
    pub installed: String,
}

impl From<workspaces::Workspace> for TeamRow {
    fn from(w: workspaces::Workspace) -> Self {
        Self {
            team_id: w.team_id,
            name: w.team_name,
            how: if w.has_bot_token { "OAuth" } else { "by hand" },
            confirmed: if w.confirmed { "yes" } else { "no" },
            installed: when(w.installed_at),
        }
    }
}

/// A link as the tables show it.
pub struct LinkRow {
    pub slack_user_id: String,
    pub slack_name: String,
    pub slack_email: String,
    pub user_id: String,
    pub linked: String,
    pub last_used: String,
}

impl From<LinkRecord> for LinkRow {
    fn from(l: LinkRecord) -> Self {
        Self {
            slack_name: l.slack_username.unwrap_or_else(|| l.slack_user_id.clone()),
            slack_user_id: l.slack_user_id,
            slack_email: l.slack_email.unwrap_or_default(),
            user_id: l.user_id.to_string(),
            linked: when(l.linked_at),
            last_used: l.last_used_at.map_or_else(|| "never".to_owned(), when),
        }
    }
}

#[derive(Template)]
#[template(path = "console/slack.html")]
struct SlackPage<'a> {
    layout: Option<&'a Layout>,
    teams: Vec<TeamRow>,
}

#[derive(Template)]
#[template(path = "console/slack_team.html")]
struct TeamPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    team: TeamRow,
    links: Vec<LinkRow>,
}

/// `GET /console/slack`: as `GET /work-apps/slack/workspaces`.
pub async fn list(console: AdminConsole) -> ConsoleResult {
    let mut conn = console.state.conn().await?;
    let teams = workspaces::list(&mut conn, console.org())
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("slack");
    render(
        StatusCode::OK,
        &SlackPage {
            layout: Some(&layout),
            teams: teams.into_iter().map(TeamRow::from).collect(),
        },
    )
}

/// `GET /console/slack/{team}`: the workspace's linked users, as
/// `GET /work-apps/slack/workspaces/{teamId}/users`; another org's team is a 404.
pub async fn team(console: AdminConsole, path: web::Path<String>) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let team_id: TeamId = console.id(&path)?;
    let mut conn = console.state.conn().await?;
    let team = workspaces::get(&mut conn, console.org(), &team_id)
        .await
        .map_err(fail)?;
    let linked = links::of_team(&mut conn, console.org(), &team_id)
        .await
        .map_err(fail)?;
    drop(conn);
    let layout = console.layout.clone().at("slack");
    render(
        StatusCode::OK,
        &TeamPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            team: workspaces::Workspace::from(team).into(),
            links: linked.into_iter().map(LinkRow::from).collect(),
        },
    )
}

/// `POST /console/slack/{team}/links/{slack_user}/unlink`: as
/// `POST /work-apps/slack/users/disconnect` naming the Slack user.
pub async fn unlink(
    console: AdminConsole,
    path: web::Path<(String, String)>,
    _form: Form,
) -> ConsoleResult {
    let team_id: TeamId = console.id(&path.0)?;
    let slack_user_id =
        SlackUserId::parse(&path.1).ok_or_else(|| console.fail(ConsoleError::not_found()))?;
    let target = Target {
        team_id: Some(team_id.clone()),
        slack_user_id: Some(slack_user_id),
        user_id: None,
    };
    let mut conn = console.state.conn().await?;
    links::unlink(
        &mut conn,
        console.org(),
        &target,
        &Unlinker::from(&console.principal),
    )
    .await
    .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/slack/{team_id}")))
}
