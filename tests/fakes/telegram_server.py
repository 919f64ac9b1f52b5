"""A fake Telegram Bot API on 127.0.0.1 for the real python-telegram-bot `Application`.

It answers form-encoded and multipart requests under `/bot<token>/<method>` and serves files under
`/file/bot<token>/<path>`, like api.telegram.org. Updates wait in a `getUpdates` long-poll queue. Every call
is recorded with its time. Tests can script failures (429 with `retry_after`, "can't parse entities",
VOICE_MESSAGES_FORBIDDEN) and can make it enforce Telegram's flood limits, answering 429 like Telegram
when a bot writes to a chat too fast (`provoked_429s` counts those).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve
from tests.fakes.telegram_objects import ApiError, Call, FakeChat, FakeUser, Sent, entities, visible_text

_JSON_FIELDS = {"reply_parameters", "reply_markup", "entities", "caption_entities", "commands", "allowed_updates",
                "scope"}
# Methods that put or change something in a chat: these count against the flood limits.
WRITES = {"sendMessage", "editMessageText", "sendMessageDraft", "sendVoice", "sendDocument", "sendPhoto",
          "editMessageCaption", "editMessageReplyMarkup"}
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's published limits: ~1 message/s per chat, 20/min per group, 30/s overall.

    Drafts are previews, not messages: they get their own ~1/s per chat (Telegram publishes no draft limit,
    this is a cautious guess), so a draft does not take the slot of the message that follows it; they still
    count in the 30/s overall.
    """

    chat_interval: float = 1.0
    group_per_minute: int = 20
    total_per_second: int = 30
    tolerance: float = 0.9  # "about" one per second: allow a little timing jitter


@dataclass
class _Failure:
    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-token-abcdefghij", *, username: str = "minato_bot",
                 limits: FloodLimits | None = None) -> None:
        self.token = token
        self.bot = FakeUser(int(token.split(":")[0]), "Minato", username=username, is_bot=True)
        self.limits = limits
        self.calls: list[Call] = []
        self.sent: dict[tuple[int, int], Sent] = {}
        self.incoming: set[tuple[int, int]] = set()  # users' messages, as (chat, message id)
        self.deleted: list[tuple[int, int]] = []
        self.commands: dict[str | None, list[dict[str, str]]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.provoked_429s = 0
        self.webhook_url: str | None = None
        self._failures: deque[_Failure] = deque()
        self._queue: list[dict[str, Any]] = []
        self._delivered: set[int] = set()  # positions in _queue already handed out
        self._arrived = asyncio.Event()
        self.polling = asyncio.Event()  # set once the bot asks for updates
        self._closing = False
        self._poll_generation = 0
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._writes: dict[int, deque[float]] = {}
        self._drafts: dict[int, deque[float]] = {}
        self._all_writes: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self.root = ""

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner, self.root = await serve(app)
        return self.root

    async def close(self) -> None:
        self._closing = True
        self._arrived.set()  # release a pending long poll at once instead of at its timeout
        if self._runner:
            await self._runner.cleanup()

    # -- what tests script ------------------------------------------------------------------------

    def fail(self, method: str, status: int, description: str, *, retry_after: int | None = None,
             chat_id: int | None = None, times: int = 1) -> None:
        for _ in range(times):
            self._failures.append(_Failure(method, status, description, retry_after, chat_id))

    def flood(self, method: str, retry_after: int = 1, *, times: int = 1) -> None:
        self.fail(method, 429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after, times=times)

    def reject_entities(self, method: str = "sendMessage", *, times: int = 1) -> None:
        self.fail(method, 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0",
                  times=times)

    def forbid_voice(self) -> None:
        self.fail("sendVoice", 400, "Bad Request: VOICE_MESSAGES_FORBIDDEN")

    def add_file(self, data: bytes, path: str) -> str:
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = (path, data)
        return file_id

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (the same dict twice = Telegram re-delivering it)."""
        self._queue.append(update)
        self._arrived.set()
        return update

    def new_update(self, **content: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **content}

    def new_message_id(self) -> int:
        return next(self._message_ids)

    def calls_to(self, chat_id: int, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.chat_id == chat_id]

    # -- HTTP -------------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            params = await request.json() if request.can_read_body else {}
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    params[key] = f"attach://{key}"
                elif key in _JSON_FIELDS:
                    params[key] = json.loads(str(value))
                else:
                    params[key] = str(value)
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, files, time.monotonic())
        if method != "getUpdates":
            self.calls.append(call)
        handler = getattr(self, f"_m_{method}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            self._scripted(method, call.chat_id)
            if self.limits is not None and method in WRITES and call.chat_id is not None:
                self._enforce(call.chat_id, draft=method == "sendMessageDraft")
            result = await handler(params, files)
            call.result = result
        except ApiError as exc:
            call.status = exc.status
            body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            return web.json_response(body, status=exc.status)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, data in self.files.values():
            if path == request.match_info["path"]:
                return web.Response(body=data)
        return web.Response(status=404)

    def _scripted(self, method: str, chat_id: int | None) -> None:
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                self._failures.remove(failure)
                raise ApiError(failure.status, failure.description, failure.retry_after)

    def _enforce(self, chat_id: int, *, draft: bool) -> None:
        assert self.limits is not None
        now = time.monotonic()
        limits = self.limits
        writes = (self._drafts if draft else self._writes).setdefault(chat_id, deque())
        while self._all_writes and self._all_writes[0] <= now - 1:
            self._all_writes.popleft()
        wait = 0.0
        if writes and now - writes[-1] < limits.chat_interval * limits.tolerance:
            wait = limits.chat_interval - (now - writes[-1])
        recent = [t for t in writes if t > now - 60]
        if chat_id < 0 and len(recent) >= limits.group_per_minute:
            wait = max(wait, recent[-limits.group_per_minute] + 60 - now)
        if len(self._all_writes) >= limits.total_per_second:
            wait = max(wait, self._all_writes[0] + 1 - now)
        if wait > 0:
            self.provoked_429s += 1
            retry = max(1, round(wait + 0.49))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        writes.append(now)
        self._all_writes.append(now)

    # -- the Bot API methods ----------------------------------------------------------------------

    async def _m_getMe(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        return {**self.bot.as_dict(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_deleteWebhook(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        self.webhook_url = None
        return True

    async def _m_setWebhook(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        self.webhook_url = p["url"]
        return True

    async def _m_setMyCommands(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        self.commands[p.get("language_code") or None] = p["commands"]
        return True

    async def _m_getUpdates(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        self.polling.set()
        # A newer getUpdates supersedes an older one still waiting (e.g. from a bot that was stopped), so
        # an abandoned long poll never swallows updates meant for the live one.
        self._poll_generation += 1
        generation = self._poll_generation
        offset = int(p.get("offset") or 0)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        while generation == self._poll_generation:
            # Confirmed updates (below the offset, already handed out) are gone for good, as on Telegram.
            keep = [(i, u) for i, u in enumerate(self._queue) if not (i in self._delivered and u["update_id"] < offset)]
            self._queue = [u for _, u in keep]
            self._delivered = {n for n, (i, _) in enumerate(keep) if i in self._delivered}
            ready = [n for n, u in enumerate(self._queue) if n not in self._delivered]
            if ready:
                self._delivered.update(ready)
                return [self._queue[n] for n in ready]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return []
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return []
        return []

    async def _m_getFile(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        file_id = p["file_id"]
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, data = self.files[file_id]
        if len(data) > 20 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), "file_path": path}

    async def _m_sendChatAction(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        return True

    async def _m_answerCallbackQuery(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        return True

    async def _m_deleteMessage(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        key = (int(p["chat_id"]), int(p["message_id"]))
        # Bots may delete their own messages, and users' messages in private chats.
        if self.sent.pop(key, None) is None and not (key[0] > 0 and key in self.incoming):
            raise ApiError(400, "Bad Request: message to delete not found")
        self.incoming.discard(key)
        self.deleted.append(key)
        return True

    def _visible(self, text: str, parse_mode: str | None) -> str:
        return visible_text(text) if parse_mode == "HTML" else text

    async def _m_sendMessageDraft(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        if int(p["chat_id"]) < 0:
            raise ApiError(400, "Bad Request: TEXTDRAFT_PEER_INVALID")
        if int(p.get("draft_id") or 0) == 0:
            raise ApiError(400, "Bad Request: draft_id must be non-zero")
        if len(self._visible(p.get("text", ""), p.get("parse_mode"))) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: text is too long")
        return True

    def _store(self, p: dict[str, Any], kind: str, text: str, **extra: Any) -> dict[str, Any]:
        chat_id = int(p["chat_id"])
        reply = p.get("reply_parameters") or {}
        thread = int(p["message_thread_id"]) if p.get("message_thread_id") else None
        sent = Sent(chat_id, self.new_message_id(), kind, text, p.get("parse_mode"), reply.get("message_id"),
                    thread, reply_markup=p.get("reply_markup"), **extra)
        self.sent[(chat_id, sent.message_id)] = sent
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        message: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()), "chat": chat,
                                   "from": self.bot.as_dict()}
        if thread:
            message |= {"message_thread_id": thread, "is_topic_message": True}
        return message

    async def _m_sendMessage(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        text = self._visible(p.get("text", ""), p.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        return {**self._store(p, "text", text), "text": text}

    async def _m_editMessageText(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        key = (int(p["chat_id"]), int(p["message_id"]))
        if key not in self.sent:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = self._visible(p.get("text", ""), p.get("parse_mode"))
        if len(text) > TEXT_LIMIT:
            raise ApiError(400, "Bad Request: message is too long")
        sent = self.sent[key]
        markup = p.get("reply_markup")
        if text == sent.text and markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        sent.text, sent.parse_mode, sent.reply_markup = text, p.get("parse_mode"), markup
        sent.edits += 1
        chat = {"id": key[0], "type": "private" if key[0] > 0 else "supergroup"}
        return {"message_id": key[1], "date": int(time.time()), "chat": chat, "from": self.bot.as_dict(),
                "text": text}

    def _caption(self, p: dict[str, Any]) -> str:
        caption = self._visible(p.get("caption", ""), p.get("parse_mode"))
        if len(caption) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    async def _m_sendVoice(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        data = f.get("voice", b"")
        message = self._store(p, "voice", self._caption(p), data=data,
                              duration=int(p["duration"]) if p.get("duration") else None)
        file_id = self.add_file(data, f"voice/{message['message_id']}.ogg")
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}", "duration": int(p.get("duration") or 0),
                 "mime_type": "audio/ogg", "file_size": len(data)}
        return {**message, "voice": voice}

    async def _m_sendDocument(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        data = f.get("document", b"")
        message = self._store(p, "document", self._caption(p), data=data)
        file_id = self.add_file(data, f"documents/{message['message_id']}")
        return {**message, "document": {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data)}}

    # -- building updates like Telegram's ---------------------------------------------------------

    def message(self, chat: FakeChat, user: FakeUser, *, text: str | None = None, caption: str | None = None,
                reply_to: dict[str, Any] | None = None, thread_id: int | None = None,
                **media: Any) -> dict[str, Any]:
        """A `message` update; entities for /commands and @mentions are computed like Telegram's."""
        body: dict[str, Any] = {"message_id": self.new_message_id(), "date": int(time.time()),
                                "chat": chat.as_dict(), "from": user.as_dict(), **media}
        self.incoming.add((chat.id, body["message_id"]))
        if text is not None:
            body["text"] = text
            if found := entities(text):
                body["entities"] = found
        if caption is not None:
            body["caption"] = caption
            if found := entities(caption):
                body["caption_entities"] = found
        if reply_to is not None:
            body["reply_to_message"] = reply_to
        if thread_id is not None:
            body |= {"message_thread_id": thread_id, "is_topic_message": True}
        return self.new_update(message=body)

    def sent_as_message(self, sent: Sent) -> dict[str, Any]:
        """One of the bot's messages as it appears inside an update (e.g. `reply_to_message`)."""
        chat = {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"}
        return {"message_id": sent.message_id, "date": int(time.time()), "chat": chat, "from": self.bot.as_dict(),
                "text": sent.text}
