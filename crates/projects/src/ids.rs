//! Typed ids of projects and artifacts.

roster_core::prefixed_id!(
    /// A project: `proj_…`.
    ProjectId, "proj"
);
roster_core::prefixed_id!(
    /// An artifact of a project: `artifact_…`.
    ArtifactId, "artifact"
);
