//! The catalogue of event types: every `type` an event may have (the filters that name
//! them are in [`super::filter`]).

use std::str::FromStr;

macro_rules! catalogue {
    ($($(#[doc = $doc:literal])+ $variant:ident = $name:literal, target $target:literal;)+) => {
        /// What happened: one name of the catalogue (`docs/events.md` shows each).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $($(#[doc = $doc])+ $variant),+
        }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            /// The name on the wire and in the database, e.g. `user.created`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => $name),+
                }
            }

            /// The type of the resource an event of this type is about, e.g. `user`.
            pub fn target_type(self) -> &'static str {
                match self {
                    $(EventType::$variant => $target),+
                }
            }
        }
    };
}

catalogue! {
    /// A user was added to an org.
    UserCreated = "user.created", target "user";
    /// A user's name, email or job fields changed.
    UserUpdated = "user.updated", target "user";
    /// A user's role changed (other fields may have changed with it).
    UserRoleChanged = "user.role_changed", target "user";
    /// A user was deactivated: its credentials stopped working in the org.
    UserDeactivated = "user.deactivated", target "user";
    /// A user was activated again.
    UserActivated = "user.activated", target "user";
    /// An account's owner followed the verification link Roster mailed them (`data`:
    /// `{"id", "email"}`; emitted in each org the account is a user of).
    AccountVerified = "account.verified", target "account";
    /// An account's password was set with a reset link; its sessions ended (`data`:
    /// `{"id", "email"}`; emitted in each org the account is a user of).
    AccountPasswordReset = "account.password_reset", target "account";
    /// An administrator added the email of an account signed up by someone who never
    /// proved it: its password, sessions and tokens were revoked, and the owner mailed a
    /// link to set a password (`data`: `{"id", "email"}`; in the org that added it).
    AccountReclaimed = "account.reclaimed", target "account";
    /// A user was deleted from an org, its personal data erased (`data`: `{"id"}` only).
    UserDeleted = "user.deleted", target "user";
    /// A group was created (`data`: the group).
    GroupCreated = "group.created", target "group";
    /// A group's display name or external id changed (`data`: the group).
    GroupUpdated = "group.updated", target "group";
    /// A group was deleted with its memberships (`data`: `{"id"}`).
    GroupDeleted = "group.deleted", target "group";
    /// A user was added to a group (`data`: the member).
    GroupMemberAdded = "group.member_added", target "group";
    /// A user left a group (`data`: `{"group_id", "user_id"}`).
    GroupMemberRemoved = "group.member_removed", target "group";
    /// A project was created; its creator is its first Owner.
    ProjectCreated = "project.created", target "project";
    /// A project's fields changed.
    ProjectUpdated = "project.updated", target "project";
    /// A project was deleted, with its members, pins and artifacts.
    ProjectDeleted = "project.deleted", target "project";
    /// A user was added to a project (`data`: the member).
    ProjectMemberAdded = "project.member_added", target "project";
    /// A member's project role changed.
    ProjectMemberUpdated = "project.member_updated", target "project";
    /// A member left a project (`data`: `{"project_id", "user_id"}`).
    ProjectMemberRemoved = "project.member_removed", target "project";
    /// An artifact was added to a project.
    ArtifactCreated = "artifact.created", target "artifact";
    /// An artifact's fields changed.
    ArtifactUpdated = "artifact.updated", target "artifact";
    /// An artifact was deleted.
    ArtifactDeleted = "artifact.deleted", target "artifact";
    /// A webhook endpoint was created.
    WebhookCreated = "webhook.created", target "webhook";
    /// A webhook endpoint's URL, events, description or state changed.
    WebhookUpdated = "webhook.updated", target "webhook";
    /// A webhook endpoint was deleted.
    WebhookDeleted = "webhook.deleted", target "webhook";
    /// A webhook endpoint's secret was rotated.
    WebhookSecretRotated = "webhook.secret_rotated", target "webhook";
    /// A webhook endpoint was disabled by Roster: its receiver answered 410, or failed
    /// for 5 days in a row.
    WebhookDisabled = "webhook.disabled", target "webhook";
    /// A bulk import of users or external users ended (`data`: `{"id", "type", "read",
    /// "created", "updated", "skipped", "failed"}`, and the `workspace_id` of external
    /// users); each user it added or changed has its own event too.
    ImportCompleted = "import.completed", target "import";
    /// A test event sent to one endpoint on request (`POST /webhooks/{id}/test`).
    WebhookTest = "webhook.test", target "webhook";
    /// An account changed its name or image (`data`: the account; recorded in the org its
    /// session works in).
    AccountUpdated = "account.updated", target "account";
    /// An account changed its password (`data`: the account, never the password).
    AccountPasswordChanged = "account.password_changed", target "account";
    /// An account ended its other sessions; the target is the session that asked (`data`:
    /// `{"userId", "revoked"}`).
    SessionOthersRevoked = "session.others_revoked", target "session";
    /// An account ended all its sessions; the target is the session that asked (`data`:
    /// `{"userId", "revoked"}`).
    SessionAllRevoked = "session.all_revoked", target "session";

    // Accounts, sessions and API tokens (`data`: never the password, token or secret).
    /// An account was created by a sign-up (`data`: the account; an event of no org, the
    /// account being a user of none yet).
    AccountSignedUp = "account.signed_up", target "account";
    /// An account chose the org it works in (`POST /api/auth/organization/set-active`),
    /// recorded in the org chosen.
    AccountActiveOrgChanged = "account.active_org_changed", target "account";
    /// A session was started (sign-in or sign-up).
    SessionCreated = "session.created", target "session";
    /// A session was ended: sign-out, or its account revoked it (`data`: the session, or
    /// `{"id", "userId", "revoked"}` from `POST /api/auth/revoke-session`).
    SessionRevoked = "session.revoked", target "session";
    /// An API token was created (its metadata; never its secret).
    TokenCreated = "token.created", target "token";
    /// An API token was revoked.
    TokenRevoked = "token.revoked", target "token";
    /// A SCIM token was created (`data`: the token as listed; never its secret).
    ScimTokenCreated = "scim_token.created", target "scim_token";
    /// A SCIM token was revoked (`data`: `{"id"}`).
    ScimTokenRevoked = "scim_token.revoked", target "scim_token";

    // Pins and integrations.
    /// A user pinned a project (`data`: the project as that user sees it).
    ProjectPinned = "project.pinned", target "project";
    /// A user unpinned a project.
    ProjectUnpinned = "project.unpinned", target "project";
    /// A user connected a tool.
    IntegrationCreated = "integration.created", target "integration";
    /// A user removed an integration.
    IntegrationDeleted = "integration.deleted", target "integration";

    // Slack workspaces and links (never a bot token or link token).
    /// A Slack workspace was registered by hand (unconfirmed).
    SlackWorkspaceRegistered = "slack.workspace_registered", target "slack_workspace";
    /// A Slack workspace was installed by OAuth (or installed again: a new bot).
    SlackWorkspaceInstalled = "slack.workspace_installed", target "slack_workspace";
    /// A registration by hand was confirmed by a request Slack signed.
    SlackWorkspaceConfirmed = "slack.workspace_confirmed", target "slack_workspace";
    /// A Slack workspace was uninstalled, with its links (or gave way to an install in
    /// another org).
    SlackWorkspaceUninstalled = "slack.workspace_uninstalled", target "slack_workspace";
    /// A Slack user was linked to a user (or linked again by the same user).
    SlackUserLinked = "slack.user_linked", target "slack_link";
    /// A Slack user's link moved to another user.
    SlackLinkTakenOver = "slack.link_taken_over", target "slack_link";
    /// A Slack user's link was removed.
    SlackUserUnlinked = "slack.user_unlinked", target "slack_link";
    /// A user started linking their Slack account by OpenID Connect (a connect session).
    SlackConnectStarted = "slack.connect_started", target "slack_connect_session";

    // The external-users family: `data` carries `workspace_id`.
    /// An external-users workspace was created.
    WorkspaceCreated = "workspace.created", target "workspace";
    /// A workspace API key was created (its metadata; never the key).
    ApiKeyCreated = "api_key.created", target "api_key";
    /// A workspace API key was revoked.
    ApiKeyRevoked = "api_key.revoked", target "api_key";
    /// A channel was created.
    ChannelCreated = "channel.created", target "channel";
    /// A channel was renamed.
    ChannelUpdated = "channel.updated", target "channel";
    /// A channel was deleted.
    ChannelDeleted = "channel.deleted", target "channel";
    /// A tier was created.
    TierCreated = "tier.created", target "tier";
    /// A tier was renamed.
    TierUpdated = "tier.updated", target "tier";
    /// A tier was deleted.
    TierDeleted = "tier.deleted", target "tier";
    /// An external-user group was created.
    ExternalUserGroupCreated = "external_user_group.created", target "external_user_group";
    /// An external-user group changed.
    ExternalUserGroupUpdated = "external_user_group.updated", target "external_user_group";
    /// An external-user group was deleted.
    ExternalUserGroupDeleted = "external_user_group.deleted", target "external_user_group";
    /// An external user was created (`POST /api/v1/external-users`).
    ExternalUserCreated = "external_user.created", target "external_user";
    /// An external user was created by `authenticate`, which did not know them.
    ExternalUserAuthenticatedCreated = "external_user.authenticated_created", target "external_user";
    /// An external user's fields changed.
    ExternalUserUpdated = "external_user.updated", target "external_user";
    /// An external user was blocked (other fields may have changed with it).
    ExternalUserBlocked = "external_user.blocked", target "external_user";
    /// An external user was unblocked.
    ExternalUserUnblocked = "external_user.unblocked", target "external_user";
}

impl EventType {
    /// The names, for error messages.
    pub fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl FromStr for EventType {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or(())
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for EventType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
            .description(Some("An event type of the catalogue (docs/events.md)"))
            .into()
    }
}

impl utoipa::ToSchema for EventType {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>(), Ok(*t));
            assert!(seen.insert(t.as_str()), "{t} twice");
            // The target type is the family's resource: `token` of `token.created`,
            // `slack_link` of `slack.user_linked`.
            let family = t.as_str().split('.').next().unwrap();
            assert!(t.target_type().starts_with(family), "{t}");
        }
    }

    #[test]
    fn every_type_has_its_section_in_docs_events_md() {
        let doc = include_str!("../../../../docs/events.md");
        for t in EventType::ALL {
            assert!(
                doc.contains(&format!("### `{t}`")),
                "docs/events.md lacks {t}"
            );
        }
    }
}
