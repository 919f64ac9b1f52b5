"""`/key`: a user brings their own provider key (private chats only), or removes it. The key is never echoed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.admin.keys import Verdict, looks_like_key, validate
from core.i18n import t
from core.store.users import User

if TYPE_CHECKING:
    from core.engine import Engine


class OwnKey:
    def __init__(self, engine: Engine) -> None:
        self._vault = engine.gate.vault
        self._llm = engine.llm

    async def command(self, user: User, args: str, *, private: bool) -> str:
        """`args` is what followed `/key`: a key, `remove`, or nothing (status and help)."""
        lang = user.language
        if not self._vault.enabled:
            return t("key_disabled", lang)
        if not private:
            # Said in a group, the key is already seen by others: whatever it is, it should be revoked.
            return t("key_private_only", lang)
        args = args.strip()
        if args.lower() == "remove":
            removed = await self._vault.remove(user.platform, user.user_id)
            return t("key_removed" if removed else "key_none", lang)
        if not args:
            has_key = await self._vault.key_for(user.platform, user.user_id) is not None
            return t("key_status_set" if has_key else "key_usage", lang)
        if not looks_like_key(args):
            return t("key_usage", lang)
        verdict = await validate(self._llm, args)
        if verdict is Verdict.REJECTED:
            return t("key_rejected", lang)
        if verdict is Verdict.UNCHECKED:
            return t("key_unchecked", lang)
        await self._vault.save(user.platform, user.user_id, args)
        return t("key_saved", lang)
