-- Admin, quotas and safety: moderation decisions, run-time settings, the audit log, users' own keys,
-- broadcast opt-outs and resumable broadcasts.

-- What admins decided about a user. Keyed by `subject_id`, not `user_id`, on purpose: these are the operator's
-- records, so `/forget` (which deletes every row with platform + user_id) cannot be used to lift a ban.
CREATE TABLE moderation (
    platform TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    banned INTEGER NOT NULL DEFAULT 0,
    allowed INTEGER NOT NULL DEFAULT 0,
    quota_messages INTEGER,
    quota_voice_minutes REAL,
    quota_tokens INTEGER,
    updated_at REAL NOT NULL,
    PRIMARY KEY (platform, subject_id)
);

-- Defaults changed at run time by admins (models, voice, allowlist mode, default quota), as JSON values.
CREATE TABLE runtime_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL
);

-- Every admin command, allowed or refused; `user_id` is who tried.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    allowed INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX audit_log_recent ON audit_log (created_at);

-- A user's own provider key, encrypted (Fernet) with a key derived from MINATO_SECRET_KEY.
CREATE TABLE user_keys (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (platform, user_id)
);

-- Users who said /quiet: no broadcasts for them.
CREATE TABLE broadcast_optouts (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    admin_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    language TEXT,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    created_at REAL NOT NULL,
    finished_at REAL
);

-- One row per recipient and broadcast; `sending` is written before the send, so a crash never double-sends.
CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'delivered', 'failed', 'unconfirmed', 'opted_out')),
    updated_at REAL NOT NULL,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX broadcast_recipients_state ON broadcast_recipients (broadcast_id, state);
