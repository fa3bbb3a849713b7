//! Typed ids of the identity model.

roster_core::prefixed_id!(
    /// An org (tenant): `org_…`.
    OrgId, "org"
);
roster_core::prefixed_id!(
    /// An account (a person who can log in): `acct_…`.
    AccountId, "acct"
);
roster_core::prefixed_id!(
    /// A user (an account's membership in one org): `user_…`.
    UserId, "user"
);
roster_core::prefixed_id!(
    /// An API token: `tok_…`.
    TokenId, "tok"
);
roster_core::prefixed_id!(
    /// A sign-in session: `ses_…`.
    SessionId, "ses"
);
roster_core::prefixed_id!(
    /// An integration of a user with an outside tool: `conf_…`.
    IntegrationId, "conf"
);
roster_core::prefixed_id!(
    /// A SCIM token (for one org's identity provider): `scimtok_…`.
    ScimTokenId, "scimtok"
);
roster_core::prefixed_id!(
    /// A group of users of one org: `grp_…`.
    OrgGroupId, "grp"
);
roster_core::prefixed_id!(
    /// A bulk import of users: `imp_…`.
    ImportId, "imp"
);
