"""Conversations and messages: DMs, posts, threads, updates, deletes, history, private channels."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from slacksim.records import BOT_ID, BOT_USER, DEFAULT_SCOPES, Channel, State, User


class MessageMethods:
    """Mixed into the simulator: chat.* and conversations.*, on the messages it keeps."""

    _lock: threading.Lock
    _state: State
    _ids: itertools.count[int]

    _user: Callable[[str], User | None]

    def _new_ts(self) -> str:
        return f"{time.time():.6f}"

    def _m_conversations_open(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if not users[0]:
            return {"ok": False, "error": "users_list_not_supplied"}
        for user_id in users:
            user = self._user(user_id)
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            if user.deleted:
                return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": "D" + users[0].lstrip("UW")}}

    def _message(self, args: dict[str, Any]) -> dict[str, Any] | str:
        channel = str(args.get("channel", ""))
        if not channel:
            return "channel_not_found"
        text, blocks = args.get("text"), args.get("blocks")
        if not text and not blocks:
            return "no_text"
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is not None and len(blocks) > 50:
            return "invalid_blocks"
        if text and len(str(text)) > 40000:
            return "msg_too_long"
        if channel.startswith(("U", "W")):
            user = self._user(channel)
            if user is None:
                return "channel_not_found"
            channel = "D" + channel.lstrip("UW")
        if channel.startswith("D"):
            user = self._user("U" + channel[1:])
            if user is not None and user.deleted:
                return "user_disabled"
        with self._lock:
            made = self._state.workspace_channels.get(channel)
        if made is not None:
            if made.private and not made.bot_member:
                return "channel_not_found"
            if made.archived:
                return "is_archived"
            if not made.bot_member:
                return "not_in_channel"

        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        return {"channel": channel, "text": text or "", "blocks": blocks or [], "metadata": metadata}

    def _m_chat_postMessage(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        ts = self._new_ts()
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        with self._lock:
            self._state.messages[(message["channel"], ts)] = message
        reply = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts, **message}
        if args.get("thread_ts"):
            reply["thread_ts"] = args["thread_ts"]
        return {"ok": True, "channel": message["channel"], "ts": ts, "message": reply}

    def _m_conversations_history(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        limit = int(args.get("limit") or 100)
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            held = sorted(
                ((ts, message) for (where, ts), message in self._state.messages.items() if where == channel),
                key=lambda item: float(item[0]),
                reverse=True,
            )
        messages = []
        for ts, message in held[:limit]:
            shown = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "ts": ts, "text": message["text"]}
            if with_metadata and message.get("metadata"):
                shown["metadata"] = message["metadata"]
            messages.append(shown)
        return {"ok": True, "messages": messages, "has_more": len(held) > limit}

    def _m_conversations_info(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        """A channel the app created, or one added with `add_channel` (a private one only if the bot is in
        it); the read scope its kind needs, as Slack asks."""
        channel = str(args.get("channel") or "")
        with self._lock:
            made, room = self._state.workspace_channels.get(channel), self._state.channels.get(channel)
            scopes = self._state.scopes.get(token or "", DEFAULT_SCOPES)
            archived = channel in self._state.archived
        if room is not None:
            made = Channel(room, private=True, bot_member=True, archived=archived)
        if made is None or (made.private and not made.bot_member):
            return {"ok": False, "error": "channel_not_found"}
        needed = "groups:read" if made.private else "channels:read"
        if needed not in scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed, "provided": ",".join(scopes)}
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": made.name,
                "is_channel": not made.private,
                "is_group": made.private,
                "is_private": made.private,
                "is_archived": made.archived,
                "is_member": made.bot_member,
            },
        }

    def _m_conversations_create(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        name = str(args.get("name") or "")
        if not name or len(name) > 80 or name != name.lower() or " " in name:
            return {"ok": False, "error": "invalid_name"}
        with self._lock:
            if name in self._state.channels.values():
                return {"ok": False, "error": "name_taken"}
            channel = f"G{next(self._ids):08d}"
            self._state.channels[channel] = name
        private = str(args.get("is_private", "")).lower() in ("1", "true")
        return {"ok": True, "channel": {"id": channel, "name": name, "is_private": private, "is_archived": False}}

    def _m_conversations_invite(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        with self._lock:
            if channel not in self._state.channels:
                return {"ok": False, "error": "channel_not_found"}
            self._state.members.setdefault(channel, set()).update(str(args.get("users") or "").split(","))
        return {"ok": True, "channel": {"id": channel}}

    def _m_conversations_archive(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        with self._lock:
            if channel not in self._state.channels:
                return {"ok": False, "error": "channel_not_found"}
            if channel in self._state.archived:
                return {"ok": False, "error": "already_archived"}
            self._state.archived.add(channel)
        return {"ok": True}

    def room(self, channel: str) -> tuple[str, set[str], bool]:
        """A channel the app created: (name, members invited, archived)."""
        with self._lock:
            return (
                self._state.channels[channel],
                set(self._state.members.get(channel, set())),
                channel in self._state.archived,
            )

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages the app posted (and has not deleted), oldest first, with their channel and ts."""
        with self._lock:
            held = [{**message, "ts": ts} for (_, ts), message in self._state.messages.items()]
        held.sort(key=lambda message: float(message["ts"]))
        return [message for message in held if channel is None or message["channel"] == channel]

    def _m_chat_postEphemeral(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        return {"ok": True, "message_ts": self._new_ts()}

    def _m_chat_update(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        with self._lock:
            if (channel, ts) not in self._state.messages:
                return {"ok": False, "error": "message_not_found"}
        message = self._message(args)
        if isinstance(message, str):
            return {"ok": False, "error": message}
        with self._lock:
            self._state.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"]}

    def _m_chat_delete(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        with self._lock:
            if self._state.messages.pop((channel, ts), None) is None:
                return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_chat_getPermalink(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://trellis-demo.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }
