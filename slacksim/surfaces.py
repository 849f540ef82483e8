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

    def _view(self, args: dict[str, Any], view_id: str | None = None) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if not isinstance(view, dict) or "type" not in view:
            return {"ok": False, "error": "invalid_arguments"}
        if len(view.get("blocks") or []) > 100:
            return {"ok": False, "error": "invalid_arguments"}
        view_id = view_id or f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"{time.time():.6f}", "team_id": self.team_id}
        with self._lock:
            self._state.views[view_id] = stored
        return {"ok": True, "view": stored}

    def _m_views_open(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view(args)

    def _m_views_push(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        return self._m_views_open(args)

    def _m_views_update(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        view_id = args.get("view_id")
        with self._lock:
            known = view_id in self._state.views
        if not known:
            return {"ok": False, "error": "not_found"}
        return self._view(args, view_id=str(view_id))

    def _m_views_publish(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._view(args)

    def _m_files_getUploadURLExternal(self, args: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        if not args.get("filename") or not args.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._state.filenames[file_id] = str(args["filename"])
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
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

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

    def uploaded(self, file_id: str) -> bytes:
        with self._lock:
            return self._state.uploads[file_id]

    def _store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            self._state.uploads[file_id] = content

    def _store_response(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._state.responses.append(body)
