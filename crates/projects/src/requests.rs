//! Request bodies of projects, members and artifacts, and their parsing into domain
//! commands ("parse, don't validate"). Every field error of a body is reported at once.

use roster_core::error::FieldErrors as Errors;
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::text::Text;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::UserId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::{ProjectRole, Visibility};
use crate::artifacts::{
    ArtifactChanges, ArtifactSource, ArtifactState, ArtifactType, IngestStatus, NewArtifact,
    DEFAULT_LATEST, MAX_LATEST,
};
use crate::members::NewMember;
use crate::projects::{NewProject, ProjectChanges};

const PROJECT_NAME: Text = Text::new(1, 200);
const GOAL: Text = Text::new(1, 2_000);
/// `project_context` and `answer_context`.
const CONTEXT: Text = Text::new(1, 20_000);
const ARTIFACT_NAME: Text = Text::new(1, 300);

fn project_name() -> StringSchema {
    PROJECT_NAME.schema()
}

fn goal() -> StringSchema {
    GOAL.schema_opt()
}

fn context() -> StringSchema {
    CONTEXT.schema_opt()
}

fn artifact_name() -> StringSchema {
    ARTIFACT_NAME.schema()
}

/// What [`timestamp`] takes: an RFC 3339 timestamp, or blank or `null` for none.
fn deadline() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let string = || ObjectBuilder::new().schema_type(Type::String);
    AnyOfBuilder::new()
        .item(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
        .item(string().pattern(Some(r"^\s*$")))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some("An RFC 3339 timestamp; blank or `null`: none."))
        .examples(["2026-03-01T00:00:00Z"])
        .into()
}

fn timestamp(field: &str, raw: Option<&str>) -> Result<Option<Timestamp>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => roster_core::time::parse(v).map(Some).ok_or_else(|| {
            DomainError::invalid(
                field,
                "must be an RFC 3339 timestamp, e.g. 2026-03-01T00:00:00Z",
            )
        }),
    }
}

/// `POST /api/v1/app/project`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProjectRequest {
    #[schema(schema_with = new_project_name)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = new_project_goal)]
    pub goal: Option<String>,
    #[serde(default)]
    #[schema(schema_with = deadline)]
    pub deadline: Option<String>,
    /// Default `Private`.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Default `Viewer`.
    #[serde(default)]
    pub default_member_role: Option<ProjectRole>,
    /// Default `false`.
    #[serde(default)]
    pub default_role_enabled: Option<bool>,
    #[serde(default)]
    #[schema(schema_with = context)]
    pub project_context: Option<String>,
    #[serde(default)]
    #[schema(schema_with = context)]
    pub answer_context: Option<String>,
}

fn new_project_name() -> StringSchema {
    PROJECT_NAME
        .schema()
        .description(format!("{PROJECT_NAME}."))
        .example("Customer Insights")
}

fn new_project_goal() -> StringSchema {
    GOAL.schema_opt()
        .example("Summarize weekly support trends.")
}

impl TryFrom<CreateProjectRequest> for NewProject {
    type Error = DomainError;

    fn try_from(r: CreateProjectRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = errors.take(PROJECT_NAME.parse("name", &r.name));
        let goal = errors.take(GOAL.parse_opt("goal", r.goal.as_deref()));
        let deadline = errors.take(timestamp("deadline", r.deadline.as_deref()));
        let project_context =
            errors.take(CONTEXT.parse_opt("project_context", r.project_context.as_deref()));
        let answer_context =
            errors.take(CONTEXT.parse_opt("answer_context", r.answer_context.as_deref()));
        let parsed = (|| {
            Some(NewProject {
                name: name?,
                goal: goal?,
                deadline: deadline?,
                visibility: r.visibility.unwrap_or(Visibility::Private),
                default_member_role: r.default_member_role.unwrap_or(ProjectRole::Viewer),
                default_role_enabled: r.default_role_enabled.unwrap_or(false),
                project_context: project_context?,
                answer_context: answer_context?,
            })
        })();
        errors.finish_with(parsed)
    }
}

/// `PUT /api/v1/app/project/{id}`: every field optional; `null` clears a nullable one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = project_name)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = goal)]
    pub goal: Option<Option<String>>,
    /// `null` (or blank) clears it.
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = deadline)]
    pub deadline: Option<Option<String>>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub visibility: Option<Visibility>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub default_member_role: Option<ProjectRole>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub default_role_enabled: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = context)]
    pub project_context: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = context)]
    pub answer_context: Option<Option<String>>,
}

impl TryFrom<UpdateProjectRequest> for ProjectChanges {
    type Error = DomainError;

    fn try_from(r: UpdateProjectRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = r
            .name
            .as_deref()
            .and_then(|n| errors.take(PROJECT_NAME.parse("name", n)));
        let deadline = patch::parse(&mut errors, r.deadline, |v| {
            timestamp("deadline", v.as_deref())
        });
        let changes = ProjectChanges {
            name,
            goal: patch::parse(&mut errors, r.goal, |v| {
                GOAL.parse_opt("goal", v.as_deref())
            }),
            deadline,
            visibility: r.visibility,
            default_member_role: r.default_member_role,
            default_role_enabled: r.default_role_enabled,
            project_context: patch::parse(&mut errors, r.project_context, |v| {
                CONTEXT.parse_opt("project_context", v.as_deref())
            }),
            answer_context: patch::parse(&mut errors, r.answer_context, |v| {
                CONTEXT.parse_opt("answer_context", v.as_deref())
            }),
        };
        errors.finish()?;
        if changes.is_empty() {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}

fn member_schema() -> StringSchema {
    roster_core::id::reference_schema("A user of this org (`user_…`).", "user_4b7c2a1d9e5f3c8b")
}

/// `POST /api/v1/app/project/{id}/member`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    #[schema(schema_with = member_schema)]
    pub user_id: String,
    /// Without it, the project's `default_member_role` if `default_role_enabled` (else 400).
    #[serde(default)]
    pub role: Option<ProjectRole>,
}

impl TryFrom<AddMemberRequest> for NewMember {
    type Error = DomainError;

    fn try_from(r: AddMemberRequest) -> Result<Self, DomainError> {
        roster_core::id::check_length("user_id", &r.user_id)?;
        // A malformed user id names no user: the same 404 as an unknown one.
        let user_id =
            UserId::parse(r.user_id.trim()).ok_or_else(|| DomainError::not_found("user"))?;
        Ok(NewMember {
            user_id,
            role: r.role,
        })
    }
}

/// `PUT /api/v1/app/project/{id}/member/{user_id}`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: ProjectRole,
}

/// `POST /api/v1/app/project/{id}/artifact`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArtifactRequest {
    #[schema(schema_with = new_artifact_name)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ArtifactType,
    /// Default `User`.
    #[serde(default)]
    pub source: Option<ArtifactSource>,
    /// Default `Processing`.
    #[serde(default)]
    pub state: Option<ArtifactState>,
    /// Default `Pending`.
    #[serde(default)]
    pub ingest_status: Option<IngestStatus>,
    /// Default `false`.
    #[serde(default)]
    pub has_content: Option<bool>,
}

fn new_artifact_name() -> StringSchema {
    ARTIFACT_NAME
        .schema()
        .description(format!("{ARTIFACT_NAME}."))
        .example("Q1 Support Summary")
}

impl TryFrom<CreateArtifactRequest> for NewArtifact {
    type Error = DomainError;

    fn try_from(r: CreateArtifactRequest) -> Result<Self, DomainError> {
        Ok(NewArtifact {
            name: ARTIFACT_NAME.parse("name", &r.name)?,
            kind: r.kind,
            source: r.source.unwrap_or(ArtifactSource::User),
            state: r.state.unwrap_or(ArtifactState::Processing),
            ingest_status: r.ingest_status.unwrap_or(IngestStatus::Pending),
            has_content: r.has_content.unwrap_or(false),
        })
    }
}

/// `PATCH /api/v1/app/project/{id}/artifact/{artifact_id}`: every field optional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArtifactRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = artifact_name)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "roster_core::patch::present",
        rename = "type"
    )]
    #[schema(nullable = false)]
    pub kind: Option<ArtifactType>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub state: Option<ArtifactState>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub ingest_status: Option<IngestStatus>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub has_content: Option<bool>,
}

impl TryFrom<UpdateArtifactRequest> for ArtifactChanges {
    type Error = DomainError;

    fn try_from(r: UpdateArtifactRequest) -> Result<Self, DomainError> {
        let name = r
            .name
            .as_deref()
            .map(|n| ARTIFACT_NAME.parse("name", n))
            .transpose()?;
        let changes = ArtifactChanges {
            name,
            kind: r.kind,
            state: r.state,
            ingest_status: r.ingest_status,
            has_content: r.has_content,
        };
        if changes.is_empty() {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}

/// The `limit` of latest artifacts: 1 to 100, default 10.
pub fn latest_limit(raw: Option<i64>) -> Result<i64, DomainError> {
    match raw {
        None => Ok(DEFAULT_LATEST),
        Some(n) if (1..=MAX_LATEST).contains(&n) => Ok(n),
        Some(_) => Err(DomainError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LATEST}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: &str) -> Result<ProjectChanges, DomainError> {
        let request: UpdateProjectRequest = serde_json::from_str(json)
            .map_err(|e| DomainError::bad_request("json", e.to_string()))?;
        ProjectChanges::try_from(request)
    }

    #[test]
    fn updates_tell_absent_from_null() {
        let changes = update(r#"{"goal": null, "deadline": "2026-03-01T00:00:00Z"}"#).ok();
        let changes = changes.as_ref();
        assert_eq!(changes.map(|c| c.goal.clone()), Some(Some(None)));
        assert!(changes.is_some_and(|c| matches!(c.deadline, Some(Some(_)))));
        assert!(changes.is_some_and(|c| c.name.is_none() && c.project_context.is_none()));
        assert!(matches!(
            update("{}"),
            Err(DomainError::BadRequest { code, .. }) if code == "empty_update"
        ));
        assert!(matches!(
            update(r#"{"deadline": "tomorrow", "name": ""}"#),
            Err(DomainError::BadRequest { errors, .. }) if errors.len() == 2
        ));
    }

    #[test]
    fn creates_default_visibility_and_roles() {
        let request: Result<CreateProjectRequest, _> = serde_json::from_str(r#"{"name": " P "}"#);
        let new = request.ok().and_then(|r| NewProject::try_from(r).ok());
        assert!(new.as_ref().is_some_and(|n| n.name == "P"
            && n.visibility == Visibility::Private
            && n.default_member_role == ProjectRole::Viewer
            && !n.default_role_enabled));
    }

    #[test]
    fn malformed_member_ids_are_not_found() {
        let r = AddMemberRequest {
            user_id: "nope".into(),
            role: None,
        };
        assert!(NewMember::try_from(r).is_err_and(|e| e.is_not_found()));
    }

    #[test]
    fn latest_limit_is_1_to_100_default_10() {
        assert_eq!(latest_limit(None).ok(), Some(10));
        assert_eq!(latest_limit(Some(1)).ok(), Some(1));
        assert_eq!(latest_limit(Some(100)).ok(), Some(100));
        assert!(latest_limit(Some(0)).is_err());
        assert!(latest_limit(Some(101)).is_err());
    }
}
