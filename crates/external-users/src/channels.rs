//! Channels: where external users come from (a website, a WhatsApp number, ...). An
//! external user belongs to exactly one channel; a channel with users cannot be deleted.

crate::catalogue! {
    /// The workspace's channels.
    Channels,
    table: external_channels,
    id: crate::ChannelId,
    resource: "channel",
    what: "The channel's name",
    entry: Channel,
    /// `POST /api/v1/channels`
    create: CreateChannelRequest,
    /// `PATCH /api/v1/channels/{id}`
    update: UpdateChannelRequest,
    example: "Website chat",
    events: [ChannelCreated, ChannelUpdated, ChannelDeleted],
    in_use: ["external_users_channel_fkey" => ("channel_in_use", "the channel still has external users")],
}
