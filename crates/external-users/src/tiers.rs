//! Tiers: the plan or level an external user or group is on. Deleting a tier leaves its
//! users and groups without one (by the foreign keys).

crate::catalogue! {
    /// The workspace's tiers.
    Tiers,
    table: external_tiers,
    id: crate::TierId,
    resource: "tier",
    what: "The tier's name",
    entry: Tier,
    /// `POST /api/v1/tiers`
    create: CreateTierRequest,
    /// `PATCH /api/v1/tiers/{id}`
    update: UpdateTierRequest,
    example: "Gold",
    events: [TierCreated, TierUpdated, TierDeleted],
    in_use: [],
}
