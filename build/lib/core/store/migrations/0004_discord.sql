-- Channels where an admin let Minato join the conversation without being mentioned ("free conversation").
-- Keyed by platform so any platform with group channels can use it; `enabled_by` is the admin's id
-- (deliberately not `user_id`: forgetting that admin must not silence the channel).
CREATE TABLE free_channels (
    platform TEXT NOT NULL,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    enabled_by TEXT NOT NULL,
    enabled_at REAL NOT NULL,
    PRIMARY KEY (platform, guild_id, channel_id)
);
