-- Users, conversations scoped per (platform, chat, user), messages, usage, and delivered-event keys.
CREATE TABLE users (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    preferred_name TEXT,
    language TEXT,
    language_pinned INTEGER NOT NULL DEFAULT 0,
    reply_mode TEXT NOT NULL DEFAULT 'auto',
    voice TEXT,
    timezone TEXT,
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    started_at REAL NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    summary TEXT
);
CREATE INDEX conversations_scope ON conversations (platform, chat_id, user_id, active);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'text',
    language TEXT,
    summarized INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE usage (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    model TEXT NOT NULL,
    role TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    audio_seconds_in REAL NOT NULL DEFAULT 0,
    audio_seconds_out REAL NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE INDEX usage_user ON usage (platform, user_id, created_at);

-- Platform events already handled (e.g. Telegram update_id), so a re-delivery is never answered twice.
CREATE TABLE handled_events (
    platform TEXT NOT NULL,
    event_key TEXT NOT NULL,
    handled_at REAL NOT NULL,
    PRIMARY KEY (platform, event_key)
);
