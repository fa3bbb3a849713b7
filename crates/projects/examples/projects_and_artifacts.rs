//! Projects without HTTP: creates an org and two users, a project by one of them with the
//! other added as a member, pins it, adds two artifacts, lists projects and artifacts by
//! page and by cursor, changes a project and an artifact and deletes them, on the
//! database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-projects --example projects_and_artifacts`

use diesel_async::AsyncPgConnection;
use roster_core::etag::Precondition;
use roster_core::page::{Cursor, Paging};
use roster_core::text::{Email, Slug};
use roster_identity::auth::Principal;
use roster_identity::users::{self, NewUser};
use roster_identity::{orgs, OrgId, Role};
use roster_projects::artifacts::{
    self, ArtifactChanges, ArtifactFilter, ArtifactSource, ArtifactState, ArtifactType,
    IngestStatus, NewArtifact,
};
use roster_projects::members::{self, NewMember};
use roster_projects::projects::{self, NewProject, ProjectChanges, ProjectFilter};
use roster_projects::{ProjectRole, Visibility};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main]
async fn main() -> Result<()> {
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let (applied, mut conn) = roster_core::migrations::migrate_and_connect(&url).await?;
    println!("migrations applied: {}", applied.len());

    // A slug of its own, so that the example runs again on the same database.
    let slug = Slug::parse("slug", &format!("example-projects-{}", std::process::id()))?;
    let org = orgs::create(&mut conn, &slug, "Example Projects Org").await?;
    println!("created org {} ({})", org.slug, org.id);

    // The services take the caller, a user of the org, and decide what it may do.
    let ada = principal(&mut conn, &org.id, "Ada Lovelace", "ada").await?;
    let grace = principal(&mut conn, &org.id, "Grace Hopper", "grace").await?;

    let new = NewProject {
        name: "Customer Insights".to_owned(),
        goal: Some("Summarize weekly support trends.".to_owned()),
        deadline: None,
        visibility: Visibility::Private,
        default_member_role: ProjectRole::Viewer,
        default_role_enabled: true,
        project_context: None,
        answer_context: None,
    };
    let project = projects::create(&mut conn, &ada, new).await?;
    println!(
        "{} created project {} ({}), {:?}",
        ada.user.name, project.name, project.id, project.visibility
    );
    // A second project, so that the list has something to page through.
    let other = NewProject {
        name: "Release Notes".to_owned(),
        goal: None,
        deadline: None,
        visibility: Visibility::Org,
        default_member_role: ProjectRole::Viewer,
        default_role_enabled: true,
        project_context: None,
        answer_context: None,
    };
    let notes = projects::create(&mut conn, &ada, other).await?;
    println!("{} created project {}", ada.user.name, notes.name);

    let member = NewMember {
        user_id: grace.user.id.clone(),
        role: Some(ProjectRole::Editor),
    };
    let added = members::add(&mut conn, &ada, &project.id, member).await?;
    println!(
        "{} added {} to {} as {:?}",
        ada.user.name, grace.user.name, project.name, added.role
    );
    let page = members::list(&mut conn, &ada, &project.id, &first_page(10)).await?;
    println!("{} has {} members", project.name, page.total_count);

    let pinned = projects::pin(&mut conn, &grace, &project.id).await?;
    println!(
        "{} pinned {} (is_pinned: {})",
        grace.user.name, pinned.name, pinned.is_pinned
    );

    // An Editor adds artifacts.
    for (name, kind) in [
        ("Q1 Support Summary", ArtifactType::Document),
        ("Ticket volume", ArtifactType::Spreadsheet),
    ] {
        let new = NewArtifact {
            name: name.to_owned(),
            kind,
            source: ArtifactSource::User,
            state: ArtifactState::Processing,
            ingest_status: IngestStatus::Pending,
            has_content: false,
        };
        let artifact = artifacts::create(&mut conn, &grace, &project.id, new).await?;
        println!(
            "{} added artifact {} ({:?}, {})",
            grace.user.name, artifact.name, artifact.kind, artifact.id
        );
    }

    // Projects come by offset page: pinned (by the caller) first, then newest.
    for who in [&ada, &grace] {
        let page =
            projects::list(&mut conn, who, &ProjectFilter::default(), &first_page(10)).await?;
        let names: Vec<String> = page
            .data
            .iter()
            .map(|p| format!("{}{}", p.name, if p.is_pinned { " (pinned)" } else { "" }))
            .collect();
        println!(
            "projects {} sees ({}): {}",
            who.user.name,
            page.total_count,
            names.join(", ")
        );
    }

    // Artifacts come by page or by cursor: pass each page's next_cursor on until there is
    // none.
    let everything = ArtifactFilter::default();
    let mut paging = Paging::After {
        cursor: None,
        size: 1,
    };
    let mut number = 1;
    let mut first_artifact = None;
    loop {
        let page = artifacts::list(&mut conn, &ada, &project.id, &everything, &paging).await?;
        for artifact in &page.data {
            println!("artifact cursor page {number}: {}", artifact.name);
            first_artifact.get_or_insert_with(|| artifact.id.clone());
        }
        let Some(next) = page.next_cursor else { break };
        paging = Paging::After {
            cursor: Some(Cursor::decode("after", &next)?),
            size: 1,
        };
        number += 1;
    }
    let newest = first_artifact.ok_or("the project has no artifacts")?;

    // No If-Match: the last write wins (pass the tag of a read to refuse a stale write).
    let any = Precondition::None;
    let changes = ProjectChanges {
        goal: Some(Some("Summarize support trends every Monday.".to_owned())),
        visibility: Some(Visibility::Org),
        ..ProjectChanges::default()
    };
    let updated = projects::update(&mut conn, &grace, &project.id, changes, &any).await?;
    println!(
        "{} changed {}: goal {:?}, {:?}",
        grace.user.name, updated.name, updated.goal, updated.visibility
    );
    let changes = ArtifactChanges {
        state: Some(ArtifactState::Ready),
        ingest_status: Some(IngestStatus::Done),
        has_content: Some(true),
        ..ArtifactChanges::default()
    };
    let ready = artifacts::update(&mut conn, &grace, &project.id, &newest, changes, &any).await?;
    println!("artifact {} is now {:?}", ready.name, ready.state);

    artifacts::delete(&mut conn, &grace, &project.id, &newest, &any).await?;
    let left = artifacts::list(&mut conn, &ada, &project.id, &everything, &first_page(10)).await?;
    println!("deleted artifact {}; {} left", ready.name, left.total_count);

    // Only an Owner (or an AppAdmin) deletes a project, with its members, pins and
    // artifacts.
    match projects::delete(&mut conn, &grace, &project.id, &any).await {
        Err(refused) => println!(
            "{} may not delete {}: {refused}",
            grace.user.name, project.name
        ),
        Ok(()) => return Err("an Editor deleted a project".into()),
    }
    projects::delete(&mut conn, &ada, &project.id, &any).await?;
    let page = projects::list(&mut conn, &ada, &ProjectFilter::default(), &first_page(10)).await?;
    println!(
        "{} deleted {}; {} project(s) left",
        ada.user.name, project.name, page.total_count
    );
    Ok(())
}

/// A new AppMember of the org, as the caller the services take.
async fn principal(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    name: &str,
    local: &str,
) -> Result<Principal> {
    let new = NewUser {
        account_id: None,
        role: Role::AppMember,
        email: Email::parse("email", &format!("{local}@example.com"))?,
        name: name.to_owned(),
        given_name: None,
        family_name: None,
        job_position_name: None,
        job_position_description: None,
        metadata: Default::default(),
    };
    let created = users::create(conn, org_id, new).await?;
    println!("created user {} <{}>", created.name, created.email);
    let user = users::get(conn, org_id, &created.id).await?;
    Ok(Principal {
        account_id: user.account_id.clone(),
        user,
    })
}

fn first_page(size: i64) -> Paging {
    Paging::Offset { page: 1, size }
}
