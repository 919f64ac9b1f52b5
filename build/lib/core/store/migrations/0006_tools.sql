-- Long-term facts a user asked Minato to remember, and reminders Minato delivers on time.
-- Both carry (platform, user_id) so /forget reaches them.
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX facts_user ON facts (platform, user_id, id);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    text TEXT NOT NULL,
    due_at REAL NOT NULL,
    -- pending → delivered | cancelled | failed (after repeated delivery errors)
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE INDEX reminders_due ON reminders (status, due_at);
