"""Views (modals and the App Home) and files upload v2 (the URL, the upload, the completion)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from slacksim.records import Call, State


class SurfaceMethods:
    """Mixed into the simulator: views.* and files.*, and what a test reads back of them."""

    team_id: str
    _lock: threading.Lock
    _state: State
    _ids: itertools.count[int]

    base_url: str
    calls: Callable[..., list[Call]]
    _team_of: Callable[[str | None], str]

    def _image_errors(self, blocks: list[dict[str, Any]], team: str) -> list[str]:
        """Slack's rules for image blocks: an `image_url` or a `slack_file` (an `id` or a `url`, not both);
        the file a PNG, JPEG or GIF uploaded (and completed) in this workspace, and not deleted."""
        errors = []
        for index, block in enumerate(blocks):
            if block.get("type") != "image":
                continue
            where = f"[json-pointer:/blocks/{index}/slack_file]"
            file = block.get("slack_file")
            if (file is None) == (block.get("image_url") is None):
                errors.append(f"must provide exactly one of image_url and slack_file [json-pointer:/blocks/{index}]")
            elif file is not None and ("id" in file) == ("url" in file):
                errors.append(f"slack_file needs exactly one of id and url {where}")
            elif file is not None:
                file_id = str(file.get("id") or str(file.get("url", "")).rsplit("-", 1)[-1].split("/")[0])
                with self._lock:
                    known = file_id in self._state.completed and self._state.file_teams.get(file_id) == team
                    name = self._state.filenames.get(file_id, "")
                if not known or not name.lower().endswith((".png", ".jpg", ".jpeg", ".gif")):
                    errors.append(f"invalid slack file {where}")
        return errors

    def _view(self, args: dict[str, Any], view_id: str | None = None, token: str | None = None) -> dict[str, Any]:
        team = self._team_of(token)
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict) or "type" not in view:
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        refused = self._image_errors(view.get("blocks") or [], team)
        if refused:
            messages = {"messages": [f"[ERROR] {error}" for error in refused]}
            return {"ok": False, "error": "invalid_blocks", "errors": refused, "response_metadata": messages}
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"{time.time():.6f}", "team_id": self.team_id}
        with self._lock:
            self._state.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view(args, token=token)

    def _m_views_push(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        return self._m_views_open(args, token)

    def _m_views_update(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        view_id = args.get("view_id")
        with self._lock:
            known = view_id in self._state.views
        if not known:
            return {"ok": False, "error": "not_found"}
        return self._view(args, view_id=str(view_id), token=token)

    def _m_views_publish(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view(args, token=token)

    def _m_files_getUploadURLExternal(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id, team = f"F{next(self._ids):08d}", self._team_of(token)
        with self._lock:
            self._state.filenames[file_id] = str(args["filename"])
            self._state.file_teams[file_id] = team
        return {"ok": True, "upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files:
            return {"ok": False, "error": "invalid_arguments"}
        with self._lock:
            missing = [f["id"] for f in files if f["id"] not in self._state.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        with self._lock:
            self._state.completed.update(f["id"] for f in files)
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _m_files_delete(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        file_id, team = str(args.get("file", "")), self._team_of(token)
        with self._lock:
            if file_id not in self._state.completed or self._state.file_teams.get(file_id) != team:
                return {"ok": False, "error": "file_not_found"}
            self._state.completed.discard(file_id)
        return {"ok": True}

    def delete_file(self, file_id: str) -> None:
        """As if someone deleted the file in Slack: blocks that reference it are refused from now on."""
        with self._lock:
            self._state.completed.discard(file_id)

    def deleted(self, file_id: str) -> bool:
        """Whether an uploaded file was deleted again (files.delete)."""
        with self._lock:
            return file_id in self._state.uploads and file_id not in self._state.completed

    def wait_for_file(self, named: Callable[[str], bool], timeout: float = 10.0) -> tuple[str, bytes]:
        """(file id, content) of the first uploaded file whose name satisfies `named` (waits for it).

        Chooses by name, not by order: a bot that outlives a test may still finish an earlier upload."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for file_id, name in self._state.filenames.items():
                    if named(name) and file_id in self._state.uploads:
                        return file_id, self._state.uploads[file_id]
            time.sleep(0.01)
        raise AssertionError("no uploaded file with such a name")

    def completion_of(self, file_id: str, timeout: float = 10.0) -> Call:
        """The files.completeUploadExternal call that shared `file_id` (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls("files.completeUploadExternal"):
                files = call.args.get("files")
                if file_id in (files if isinstance(files, str) else json.dumps(files)):
                    return call
            time.sleep(0.01)
        raise AssertionError(f"{file_id} was never shared")

    def files(self) -> list[tuple[str, bytes]]:
        """(name, content) of every file uploaded and completed, in the order they were announced."""
        with self._lock:
            return [
                (self._state.filenames[file_id], self._state.uploads[file_id])
                for file_id in self._state.filenames
                if file_id in self._state.uploads and file_id in self._state.completed
            ]

    def uploaded(self, file_id: str) -> bytes:
        with self._lock:
            return self._state.uploads[file_id]

    def _store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            self._state.uploads[file_id] = content

    def _store_response(self, body: dict[str, Any], url_id: str | None = None) -> None:
        with self._lock:
            self._state.responses.append(body)
            handed_out = self._state.handed_out.pop(url_id or "", None)
            if handed_out is not None:
                self._state.response_delays.append(time.perf_counter() - handed_out)
