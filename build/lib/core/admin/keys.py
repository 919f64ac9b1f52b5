"""Bring your own key: users' provider keys, validated with a tiny real call and stored encrypted at rest.

The encryption key is derived from MINATO_SECRET_KEY; without it the feature is off. Keys are never logged.
"""

from __future__ import annotations

import base64
import logging
import time
from enum import StrEnum

import openai
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.config import Role
from core.llm import LLM, ProviderError, Request
from core.store.db import Database

log = logging.getLogger(__name__)

# A fixed, public salt: the secret itself must carry the entropy (README says how to generate one).
_SALT = b"minato/user-keys/v1"
_MAX_KEY_CHARS = 400


class Verdict(StrEnum):
    VALID = "valid"
    REJECTED = "rejected"  # the provider said the key is wrong or not allowed
    UNCHECKED = "unchecked"  # the provider could not be asked right now


def fernet_for(secret: str) -> Fernet:
    derived = Scrypt(salt=_SALT, length=32, n=2**14, r=8, p=1).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def looks_like_key(text: str) -> bool:
    return 20 <= len(text) <= _MAX_KEY_CHARS and not any(c.isspace() for c in text)


class KeyVault:
    def __init__(self, db: Database, secret: str | None) -> None:
        self._db = db
        self._fernet = fernet_for(secret) if secret else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    async def key_for(self, platform: str, user_id: str) -> str | None:
        if self._fernet is None:
            return None
        async with self._db.conn.execute(
            "SELECT ciphertext FROM user_keys WHERE platform = ? AND user_id = ?", (platform, user_id)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        try:
            return self._fernet.decrypt(bytes(row[0])).decode()
        except InvalidToken:
            # MINATO_SECRET_KEY changed since the key was stored: the user's calls fall back to the shared key.
            log.warning("stored key of %s/%s cannot be decrypted with the current secret", platform, user_id)
            return None

    async def save(self, platform: str, user_id: str, key: str) -> None:
        assert self._fernet is not None, "callers check `enabled` first"
        await self._db.conn.execute(
            "INSERT INTO user_keys (platform, user_id, ciphertext, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, user_id) DO UPDATE SET ciphertext = excluded.ciphertext,"
            " created_at = excluded.created_at",
            (platform, user_id, self._fernet.encrypt(key.encode()), time.time()),
        )
        await self._db.conn.commit()

    async def remove(self, platform: str, user_id: str) -> bool:
        cur = await self._db.conn.execute(
            "DELETE FROM user_keys WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        await self._db.conn.commit()
        return cur.rowcount > 0


async def validate(llm: LLM, key: str) -> Verdict:
    """One tiny Responses call with the key against the configured provider (16 output tokens, on their bill)."""
    request = Request(
        role=Role.FAST,
        instructions="Answer with the single word OK.",
        input=[{"role": "user", "content": "ping"}],
        api_key=key,
        extra={"max_output_tokens": 16},
    )
    try:
        await llm.complete(request)
    except ProviderError as exc:
        if isinstance(exc.__cause__, openai.AuthenticationError | openai.PermissionDeniedError):
            return Verdict.REJECTED
        log.info("could not check a user's key now: %s", exc.failure)
        return Verdict.UNCHECKED
    return Verdict.VALID
