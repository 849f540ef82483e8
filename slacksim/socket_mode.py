"""The Socket Mode side of the Slack fake: a WebSocket endpoint that pushes envelopes and takes acks.

`apps.connections.open` on the fake hands out this endpoint's ws:// URL. A test pushes a Slack
envelope (slash command, Events API delivery, interactive payload) and reads the app's ack, whose
`payload` is what Slack would show. Only what slack_sdk's built-in Socket Mode client needs is spoken:
the RFC 6455 handshake, text frames, ping/pong and close.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import socketserver
import struct
import threading
import time
import uuid
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class SocketModeEndpoint:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._acks: dict[str, dict[str, Any]] = {}
        self.connected = threading.Event()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-socket-mode", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"ws://{host}:{port}/link/?ticket={uuid.uuid4()}&app_id=A0TRELLIS"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
        self._server.shutdown()
        self._server.server_close()

    def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> str:
        """Send an envelope (`slash_commands`, `events_api`, `interactive`) to the app; returns its id.

        Slack delivers an Events API payload again, in a new envelope, when the app did not acknowledge
        it: `retry_attempt` says which delivery this is."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": kind != "events_api",
            "payload": payload,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        with self._lock:
            target = self._connections[-1]
        target.sendall(_frame(TEXT, json.dumps(envelope).encode()))
        return envelope_id

    def ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """The app's acknowledgement of an envelope (with its response `payload`, if any)."""
        acked = self.acked(envelope_id, timeout)
        if acked is None:
            raise AssertionError(f"no ack for envelope {envelope_id} within {timeout} s")
        return acked

    def acked(self, envelope_id: str, within: float) -> dict[str, Any] | None:
        """The app's acknowledgement of an envelope, or None when none came `within` seconds (Slack then
        delivers it again)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with self._lock:
                if envelope_id in self._acks:
                    return self._acks[envelope_id]
            time.sleep(0.01)
        return None

    def _handler(self) -> type[socketserver.BaseRequestHandler]:
        endpoint = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                connection: socket.socket = self.request
                if not _handshake(connection):
                    return
                with endpoint._lock:
                    endpoint._connections.append(connection)
                hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TRELLIS"}}
                connection.sendall(_frame(TEXT, json.dumps(hello).encode()))
                endpoint.connected.set()
                try:
                    endpoint._serve(connection)
                finally:
                    with endpoint._lock:
                        if connection in endpoint._connections:
                            endpoint._connections.remove(connection)

        return Handler

    def _serve(self, connection: socket.socket) -> None:
        while True:
            frame = _read_frame(connection)
            if frame is None:
                return
            opcode, data = frame
            if opcode == PING:
                connection.sendall(_frame(PONG, data))
            elif opcode == CLOSE:
                connection.sendall(_frame(CLOSE, data[:2]))
                return
            elif opcode == TEXT:
                message = json.loads(data)
                if "envelope_id" in message:
                    with self._lock:
                        self._acks[message["envelope_id"]] = message


def _handshake(connection: socket.socket) -> bool:
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = connection.recv(4096)
        if not chunk:
            return False
        request += chunk
    headers = {}
    for line in request.decode("latin-1").split("\r\n")[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    key = headers.get("sec-websocket-key", "")
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    connection.sendall(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
        ).encode()
    )
    return True


def _frame(opcode: int, data: bytes) -> bytes:
    """A server frame: final, unmasked."""
    length = len(data)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
    return header + data


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        try:
            chunk = connection.recv(size - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(connection: socket.socket) -> tuple[int, bytes] | None:
    """One client frame (clients always mask); fragments are not used by slack_sdk's client."""
    head = _read_exactly(connection, 2)
    if head is None:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        extended = _read_exactly(connection, 2)
        length = struct.unpack("!H", extended)[0] if extended else 0
    elif length == 127:
        extended = _read_exactly(connection, 8)
        length = struct.unpack("!Q", extended)[0] if extended else 0
    mask = _read_exactly(connection, 4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = _read_exactly(connection, length) if length else b""
    if mask is None or payload is None:
        return None
    return opcode, bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
