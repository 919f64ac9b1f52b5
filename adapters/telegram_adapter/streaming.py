"""Showing a reply while the model writes it, then committing it in clean messages of at most 4096 characters.

Private chats get `sendMessageDraft` previews from the first words on (Telegram animates drafts with the
same id), then the final text with `sendMessage`. Groups, where drafts do not exist, get one message that is
edited as text arrives and replies to the user's message. Updates follow core's UpdateThrottle (about once
per second, never an unchanged edit); the final text always lands, split at paragraph / code-fence boundaries.
"""

from __future__ import annotations

import secrets

from adapters.telegram_adapter.sender import Sender, Target
from core.text import split_message
from core.throttle import UpdateThrottle

TEXT_LIMIT = 4096


def _chunks(markdown: str) -> list[str]:
    return split_message(markdown, TEXT_LIMIT)


class TextStream:
    """One reply's text on its way to one chat."""

    def __init__(self, sender: Sender, target: Target, interval: float) -> None:
        self.sender = sender
        self.target = target
        self.throttle = UpdateThrottle(interval)
        # Telegram animates changes between drafts that share an id; any non-zero id will do.
        self.draft_id = secrets.randbelow(2**31 - 1) + 1
        self.message_ids: list[int] = []
        self.shown: list[str] = []
        self._started = False

    async def update(self, so_far: str) -> None:
        """The reply so far: maybe show it, if the throttle and the flood limits allow right now."""
        if not self._started and not self.target.private:
            # In a group the first preview is a real message that the final text must then edit, a second
            # write in the chat's slot: it waits one interval, so a reply complete by then is one message.
            # A private chat's draft is shown at once: it has its own slot and delays nothing.
            self._started = True
            self.throttle.hold(self.throttle.interval)
            return
        if not self.throttle.due(so_far):
            return
        chunks = _chunks(so_far)
        if not chunks:
            return
        if self.target.private:
            shown = await self.sender.draft(self.target, self.draft_id, chunks[-1])
        else:
            shown = await self._sync(chunks, must=False)
        if shown:
            self.throttle.sent(so_far)
        else:
            # Skipped (flood control or no free slot): try again one interval later with more text.
            self.throttle.hold(self.throttle.interval)

    async def finish(self, markdown: str) -> None:
        """Commit the whole reply. Waits for flood control as needed; never drops a piece."""
        chunks = _chunks(markdown)
        if self.target.private:
            for chunk in chunks:
                # In private chats replying to the user's message adds nothing but noise.
                await self.sender.text(self.target, chunk, reply=False)
        else:
            await self._sync(chunks, must=True)

    async def _sync(self, chunks: list[str], *, must: bool) -> bool:
        """Make the group messages show `chunks`: edit what changed, send what is new. False if a write was skipped."""
        for index, chunk in enumerate(chunks):
            if index < len(self.message_ids):
                if self.shown[index] == chunk:
                    continue
                if await self.sender.edit(self.target.chat_id, self.message_ids[index], chunk, must=must):
                    self.shown[index] = chunk
                    continue
                if not must:
                    return False
                # The message vanished (deleted by someone): the text goes out as a new message instead.
                del self.message_ids[index:], self.shown[index:]
            message = await self.sender.text(self.target, chunk, must=must, reply=index == 0)
            if message is None:
                return False
            self.message_ids.append(message.message_id)
            self.shown.append(chunk)
        return True
