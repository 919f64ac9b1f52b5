-- Whether a reminder was set in a private chat or a group: in a group it must say whom it is for.
-- Reminders stored before this column are treated as group ones (naming the person is harmless in private).
ALTER TABLE reminders ADD COLUMN chat_kind TEXT NOT NULL DEFAULT 'group';
