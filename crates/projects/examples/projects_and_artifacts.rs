//! Projects without HTTP: creates an org and two users, a project by one of them with the
//! other added as a member, pins it, adds two artifacts, lists projects and artifacts by
//! page and by cursor, changes a project and an artifact and deletes them, on the
//! database at `DATABASE_URL`.
//!
//! `DATABASE_URL=postgres://… cargo run -p roster-projects --example projects_and_artifacts`

use roster_core::etag::Precondition;
use roster_core::page::{Cursor, Paging};
use roster_identity::quickstart::{self, Result};
use roster_identity::Role;
use roster_projects::artifacts::{
    self, ArtifactChanges, ArtifactFilter, ArtifactSource, ArtifactState, ArtifactType,
    IngestStatus, NewArtifact,
};
use roster_projects::members::{self, NewMember};
use roster_projects::projects::{self, NewProject, ProjectChanges, ProjectFilter};
use roster_projects::{ProjectRole, Visibility};

#[tokio::main]
async fn main() -> Result<()> {
    let (mut conn, org) = quickstart::connect_with_org("projects", "Example Projects Org").await?;

    // The services take the caller, a user of the org, and decide what it may do.
    let ada =
        quickstart::principal(&mut conn, &org.id, "Ada Lovelace", "ada", Role::AppMember).await?;
    let grace =
        quickstart::principal(&mut conn, &org.id, "Grace Hopper", "grace", Role::AppMember).await?;

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

fn first_page(size: i64) -> Paging {
    Paging::Offset { page: 1, size }
}
