"""A fake Discord on 127.0.0.1 for the real discord.py client: REST under `/api/v10` and a websocket gateway.

REST answers with content type exactly `application/json` (discord.py parses nothing else), records every
call in `calls`, stores sent messages per channel, takes JSON and multipart bodies, and can answer a scripted
429 (with the `Via` header discord.py requires to trust it) or refuse voice messages. The gateway does
HELLO → IDENTIFY → READY → GUILD_CREATE, acknowledges heartbeats, resumes sessions, and dispatches whatever
the test sends (`dispatch("MESSAGE_CREATE", ...)`). Without the message-content intent it blanks the content
of guild messages that do not mention the bot, as Discord does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_payloads import guild_payload, now_iso, thread_payload, user_payload
from tests.fakes.loopback import serve

MESSAGE_CONTENT_INTENT = 1 << 15
VOICE_FLAG = 8192


def jsonify(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly `application/json`: aiohttp's json_response appends a charset, which discord.py does not parse.
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


@dataclass
class Call:
    """One REST request as the fake received it."""

    method: str
    path: str
    json: Any = None
    files: list[dict[str, Any]] = field(default_factory=list)  # {name, filename, content_type, data}
    status: int = 200


@dataclass
class Scripted:
    """An answer to give instead of the normal one, to the next request matching `method` and `path_part`."""

    method: str
    path_part: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeDiscord:
    def __init__(self, *, bot_name: str = "Minato") -> None:
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.app_id = str(self.new_id())
        self.bot_user = {"id": self.app_id, "username": bot_name, "discriminator": "0", "global_name": None,
                         "avatar": None, "bot": True}
        self.owner = {"id": str(self.new_id()), "username": "owner", "discriminator": "0", "global_name": None,
                      "avatar": None}
        self.guilds: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id → messages the bot posted, in order
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id → synced commands
        self.files: dict[str, bytes] = {}  # CDN path → bytes
        self.scripted: deque[Scripted] = deque()
        self._originals: dict[str, str] = {}  # interaction token → id of its original response message
        self._interaction_channels: dict[str, str] = {}  # interaction token → channel it happened in
        self.refuse_voice = False
        self.dm_channels: dict[str, str] = {}  # user id → the DM channel opened with them
        self.closed_dms: set[str] = set()  # users who do not accept DMs from the bot
        self.content_intent_allowed = True  # the portal switch for the privileged Message Content intent
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self._backlog: list[dict[str, Any]] = []  # every dispatch, for RESUME replays
        self._session = f"session-{self.new_id()}"
        self._runner: web.AppRunner | None = None
        self.root = ""
        self.connected = asyncio.Event()
        self._changed = asyncio.Condition()

    def new_id(self) -> int:
        return next(self._ids)

    # -- lifecycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        api = "/api/v10"
        r = app.router
        r.add_get(f"{api}/users/@me", self._me)
        r.add_get(f"{api}/oauth2/applications/@me", self._application)
        r.add_get(f"{api}/gateway", self._gateway_bot)
        r.add_get(f"{api}/gateway/bot", self._gateway_bot)
        r.add_put(f"{api}/applications/{{app}}/commands", self._sync)
        r.add_put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        r.add_post(f"{api}/channels/{{channel}}/messages", self._create_message)
        r.add_post(f"{api}/users/@me/channels", self._open_dm)
        r.add_get(f"{api}/users/{{user}}", self._user)
        r.add_patch(f"{api}/channels/{{channel}}/messages/{{message}}", self._edit_message)
        r.add_delete(f"{api}/channels/{{channel}}/messages/{{message}}", self._delete_message)
        r.add_post(f"{api}/channels/{{channel}}/typing", self._typing)
        r.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        r.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        r.add_patch(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._edit_webhook_message)
        r.add_get("/attachments/{id}/{name}", self._cdn)
        r.add_get("/gateway", self._gateway)
        self._runner, self.root = await serve(app)

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.root}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"{self.root.replace('http://', 'ws://')}/gateway"

    # -- the world --------------------------------------------------------------------------------

    def add_guild(self, name: str, channel_names: tuple[str, ...] = ("general",)) -> dict[str, Any]:
        guild = guild_payload(self.new_id, name, channel_names, bot_user=self.bot_user, owner_id=self.owner["id"])
        self.guilds[guild["id"]] = guild
        return guild

    def add_thread(self, guild: dict[str, Any], parent: dict[str, Any], name: str, owner_id: str) -> dict[str, Any]:
        thread = thread_payload(str(self.new_id()), guild["id"], parent["id"], name, owner_id)
        guild["threads"].append(thread)
        return thread

    def host_file(self, filename: str, data: bytes) -> str:
        path = f"{self.new_id()}/{filename}"
        self.files[path] = data
        return f"{self.root}/attachments/{path}"

    def script(self, method: str, path_part: str, status: int, body: dict[str, Any],
               headers: dict[str, str] | None = None) -> None:
        self.scripted.append(Scripted(method, path_part, status, body, headers or {}))

    def rate_limit_next(self, method: str, path_part: str, retry_after: float) -> None:
        """The next matching request gets a real-looking 429; discord.py only trusts it with a `Via` header."""
        self.script(method, path_part, 429,
                    {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                    {"Via": "1.1 google", "X-RateLimit-Scope": "user", "Retry-After": str(retry_after)})

    async def wait_for_call(self, method: str, path_part: str, timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.calls_to(method, path_part))), timeout)

    def calls_to(self, method: str, path_part: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and path_part in c.path]

    # -- gateway ----------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op, data = frame.get("op"), frame.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                self.identifies.append(data)
                if int(data.get("intents", 0)) & MESSAGE_CONTENT_INTENT and not self.content_intent_allowed:
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    break
                self._sockets.append(ws)
                await self._ready(ws)
            elif op == 6:
                self.resumes.append(data)
                self._sockets.append(ws)
                for frame_ in self._backlog:
                    if frame_["s"] > (data.get("seq") or 0):
                        await ws.send_json(frame_)
                await self._send(ws, "RESUMED", {})
                self.connected.set()
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        await self._send(ws, "READY", {
            "v": 10, "user": self.bot_user, "session_id": self._session, "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds], "private_channels": [],
            "relationships": [], "application": {"id": self.app_id, "flags": 0}, "shard": [0, 1],
        })
        for guild in self.guilds.values():
            await self._send(ws, "GUILD_CREATE", guild)
        self.connected.set()

    def _next_frame(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        self._seq += 1
        frame = {"op": 0, "s": self._seq, "t": event, "d": data}
        self._backlog.append(frame)
        return frame

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        await ws.send_json(self._next_frame(event, data))

    @property
    def intents(self) -> int:
        return int(self.identifies[-1]["intents"]) if self.identifies else 0

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        if event == "INTERACTION_CREATE":
            self._interaction_channels[data["token"]] = data["channel_id"]
        frame = self._next_frame(event, data)
        for ws in list(self._sockets):
            await ws.send_json(frame)

    async def drop_connection(self) -> None:
        """Close every gateway socket abruptly, as a network hiccup would (discord.py should resume)."""
        self.connected.clear()
        for ws in list(self._sockets):
            self._sockets.remove(ws)
            await ws.close(code=4000)

    def visible(self, message: dict[str, Any]) -> dict[str, Any]:
        """What the bot receives: no content intent means guild messages that don't mention it arrive empty."""
        if self.intents & MESSAGE_CONTENT_INTENT or "guild_id" not in message:
            return message
        if any(u["id"] == self.app_id for u in message.get("mentions", [])):
            return message
        return {**message, "content": "", "attachments": [], "embeds": []}

    # -- REST -------------------------------------------------------------------------------------

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        call = Call(request.method, request.path)
        if request.content_type == "application/json":
            call.json = await request.json()
        elif request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    call.json = json.loads(data)
                else:
                    call.files.append({"name": part.name, "filename": part.filename,  # type: ignore[union-attr]
                                       "content_type": part.headers.get("Content-Type"), "data": bytes(data)})
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()
        for item in list(self.scripted):
            if item.method == request.method and item.path_part in request.path:
                self.scripted.remove(item)
                call.status = item.status
                return call, jsonify(item.body, item.status, item.headers)
        return call, None

    async def _me(self, request: web.Request) -> web.Response:
        _, scripted = await self._record(request)
        return scripted or jsonify(self.bot_user)

    async def _application(self, _: web.Request) -> web.Response:
        return jsonify({"id": self.app_id, "name": self.bot_user["username"], "description": "", "icon": None,
                        "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
                        "owner": self.owner, "flags": 0, "team": None, "summary": ""})

    async def _gateway_bot(self, _: web.Request) -> web.Response:
        return jsonify({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})

    async def _sync(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        scope = request.match_info.get("guild", "global")
        # Discord answers with the permissions bitfield as a string, whatever form it was sent in.
        synced = [{**c, "id": str(self.new_id()), "application_id": self.app_id, "version": "1",
                   "default_member_permissions": None if c.get("default_member_permissions") is None
                   else str(c["default_member_permissions"]), "type": c.get("type", 1)} for c in call.json]
        if scope != "global":
            synced = [{**c, "guild_id": scope} for c in synced]
        self.commands[scope] = synced
        return jsonify(synced)

    def _message(self, channel_id: str, body: dict[str, Any], files: list[dict[str, Any]]) -> dict[str, Any]:
        attachments = []
        for meta, part in zip(body.get("attachments", []), files, strict=False):
            attachment = {"id": str(self.new_id()), "filename": meta.get("filename", part["filename"]),
                          "size": len(part["data"]), "url": self.host_file(part["filename"], part["data"]),
                          "proxy_url": "", "content_type": part["content_type"]}
            attachment["proxy_url"] = attachment["url"]
            for key in ("duration_secs", "waveform"):
                if key in meta:
                    attachment[key] = meta[key]
            attachments.append(attachment)
        return {"id": str(self.new_id()), "channel_id": channel_id, "author": self.bot_user,
                "content": body.get("content") or "", "timestamp": now_iso(), "edited_timestamp": None,
                "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
                "attachments": attachments, "embeds": [], "pinned": False, "type": 0, "flags": body.get("flags", 0),
                "components": []}

    async def _open_dm(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        user_id = str((call.json or {})["recipient_id"])
        channel_id = self.dm_channels.setdefault(user_id, str(self.new_id()))
        return jsonify({"id": channel_id, "type": 1, "recipients": [user_payload(user_id, f"user{user_id}")]})

    async def _user(self, request: web.Request) -> web.Response:
        _, scripted = await self._record(request)
        user_id = request.match_info["user"]
        return scripted or jsonify(user_payload(user_id, f"user{user_id}"))

    async def _create_message(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        body = call.json or {}
        closed = {self.dm_channels.get(user) for user in self.closed_dms}
        if request.match_info["channel"] in closed:
            call.status = 403
            return jsonify({"message": "Cannot send messages to this user", "code": 50007}, 403)
        if self.refuse_voice and body.get("flags", 0) & VOICE_FLAG:
            call.status = 403
            return jsonify({"message": "Missing Permissions", "code": 50013}, 403)
        message = self._message(request.match_info["channel"], body, call.files)
        self.messages.setdefault(message["channel_id"], []).append(message)
        return jsonify(message)

    def _find(self, message_id: str) -> dict[str, Any] | None:
        for messages in self.messages.values():
            for message in messages:
                if message["id"] == message_id:
                    return message
        return None

    async def _edit_message(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        message = self._find(request.match_info["message"])
        if message is None:
            return jsonify({"message": "Unknown Message", "code": 10008}, 404)
        if message["flags"] & VOICE_FLAG:
            return jsonify({"message": "Cannot edit a voice message", "code": 50173}, 400)
        if "content" in (call.json or {}):
            message["content"] = call.json["content"]
        message["edited_timestamp"] = now_iso()
        return jsonify(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        _, scripted = await self._record(request)
        if scripted:
            return scripted
        for messages in self.messages.values():
            messages[:] = [m for m in messages if m["id"] != request.match_info["message"]]
        return web.Response(status=204)

    async def _typing(self, request: web.Request) -> web.Response:
        _, scripted = await self._record(request)
        return scripted or web.Response(status=204)

    # -- interactions -----------------------------------------------------------------------------

    def interaction_channel(self, token: str) -> str:
        return f"interaction:{token}"

    async def _callback(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        body = call.json or {}
        kind = body.get("type")
        token = request.match_info["token"]
        data = body.get("data") or {}
        message = self._message(self._interaction_channels.get(token, "0"), data, call.files)
        self._originals[token] = message["id"]
        message["interaction_type"] = kind
        self.messages.setdefault(self.interaction_channel(token), []).append(message)
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:
            resource["message"] = message
        return jsonify({"interaction": {"id": request.match_info["id"], "type": 2,
                                        "response_message_id": message["id"],
                                        "response_message_loading": kind == 5,
                                        "response_message_ephemeral": bool(data.get("flags", 0) & 64)},
                        "resource": resource})

    async def _followup(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        token = request.match_info["token"]
        message = self._message(self._interaction_channels.get(token, "0"), call.json or {}, call.files)
        message["webhook_id"] = self.app_id
        self.messages.setdefault(self.interaction_channel(token), []).append(message)
        return jsonify(message)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        call, scripted = await self._record(request)
        if scripted:
            return scripted
        token, mid = request.match_info["token"], request.match_info["message"]
        if mid == "@original":
            mid = self._originals.get(token, mid)
        message = self._find(mid)
        if message is None:
            return jsonify({"message": "Unknown Message", "code": 10008}, 404)
        if "content" in (call.json or {}):
            message["content"] = call.json["content"]
        message["edited_timestamp"] = now_iso()
        return jsonify({**message, "webhook_id": self.app_id})

    async def _cdn(self, request: web.Request) -> web.Response:
        data = self.files.get(f"{request.match_info['id']}/{request.match_info['name']}")
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")

