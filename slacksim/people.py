"""Who is there: auth.test, users.info and users.list, the OAuth code exchange, and Socket Mode's opening."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

from slacksim.records import BOT_ID, BOT_USER, DEFAULT_SCOPES, State, User
from slacksim.socket_mode import SocketModeEndpoint


class PeopleMethods:
    """Mixed into the simulator: these methods read the people and installations it holds."""

    team_id: str
    socket_mode: SocketModeEndpoint
    _lock: threading.Lock
    _state: State
    _ids: itertools.count[int]

    def _user(self, user_id: str) -> User | None:
        with self._lock:
            return self._state.users_by_id.get(user_id)

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """Exchange a code from `grant` (the client id and secret come as HTTP Basic auth), or, with
        token rotation, a refresh token for a new token (which lasts twelve hours)."""
        if not args.get("client_id") and not args.get("_basic_auth"):
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            return self._refresh(str(args.get("refresh_token") or ""))
        with self._lock:
            grant = self._state.grants.pop(str(args.get("code", "")), None)
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        team_id, team_name, enterprise_id, rotating = grant
        answer = {
            "ok": True,
            "app_id": "A0TRELLIS",
            "authed_user": {"id": "U0INSTALLER"},
            "scope": ",".join(DEFAULT_SCOPES),
            "token_type": "bot",
            "access_token": f"xoxe.xoxb-{team_id}-installed" if rotating else f"xoxb-{team_id}-installed",
            "bot_user_id": BOT_USER,
            "team": {"id": team_id, "name": team_name},
            "enterprise": {"id": enterprise_id, "name": "Grid Org"} if enterprise_id else None,
            "is_enterprise_install": False,
        }
        if rotating:
            refresh = f"xoxe-1-{team_id}-{next(self._ids)}"
            with self._lock:
                self._state.refresh_tokens[refresh] = team_id
            answer.update({"refresh_token": refresh, "expires_in": 60})
        return answer

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            team_id = self._state.refresh_tokens.pop(refresh_token, None)
        if team_id is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        number = next(self._ids)
        token, refresh = f"xoxe.xoxb-{team_id}-rotated-{number}", f"xoxe-1-{team_id}-{number}"
        with self._lock:
            self._state.refresh_tokens[refresh] = team_id
            self._state.installed[token] = team_id
        return {
            "ok": True,
            "app_id": "A0TRELLIS",
            "token_type": "bot",
            "access_token": token,
            "refresh_token": refresh,
            "expires_in": 43200,
            "scope": ",".join(DEFAULT_SCOPES),
            "bot_user_id": BOT_USER,
            "team": {"id": team_id},
        }

    def _m_auth_test(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        with self._lock:
            team_id = self._state.installed.get(token or "", self.team_id)
            enterprise_id = self._state.enterprises.get(team_id)
        return {
            "ok": True,
            "url": "https://trellis-demo.slack.com/",
            "team": "Trellis Demo",
            "user": "trellis",
            "team_id": team_id,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
            **({"enterprise_id": enterprise_id} if enterprise_id else {}),
        }

    def _m_users_info(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        user = self._user(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.as_slack()}

    def _m_users_list(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        """The workspace's members (of the token's team), `limit` at a time, with a cursor."""
        with self._lock:
            team = self._state.installed.get(token or "", self.team_id)
            members = [user for (team_id, _), user in self._state.users.items() if team_id == team]
        start = int(str(args.get("cursor") or "0").removeprefix("next:") or 0)
        limit = int(args.get("limit") or 100)
        page = members[start : start + limit]
        cursor = f"next:{start + limit}" if start + limit < len(members) else ""
        return {
            "ok": True,
            "members": [user.as_slack() for user in page],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": cursor},
        }

    def _m_apps_connections_open(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        """App-level tokens get the Socket Mode endpoint; a token containing "refused" is refused."""
        if not (token or "").startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        if "refused" in (token or ""):
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.socket_mode.url}
