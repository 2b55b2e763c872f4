"""A small client of clamd's socket protocol (zINSTREAM, zPING): bytes in, clean or the signature found, or an error."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from services.virus_scan import ScanResult

CHUNK_BYTES = 64 * 1024  # clamd's own StreamMaxLength bounds the whole stream, not a chunk
DEFAULT_TIMEOUT_SECONDS = 120.0  # clamd's default MaxScanTime is 120 s
_MAX_REPLY_BYTES = 4096
_OK = "stream: OK"
_PREFIX = "stream: "
_FOUND = " FOUND"


class ScannerUnavailable(Exception):
    """clamd did not give a verdict (no socket, no answer in time, a limit, an answer we do not know): the attachment
    stays unscanned. Never a reason to call it clean."""


class ClamdScanner:
    """One connection per scan to clamd's local socket; the stream goes in chunks, the answer is read to its NUL."""

    def __init__(self, socket_path: str | Path, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._socket_path = str(socket_path)
        self._timeout = timeout

    def ping(self) -> None:
        """Returns when clamd answers PONG; raises ScannerUnavailable otherwise."""
        with self._connect() as connection:
            self._send(connection, b"zPING\0")
            reply = self._reply(connection)
        if reply != "PONG":
            raise ScannerUnavailable(f"clamd svarte ikke PONG, men «{reply[:200]}»")

    def scan(self, data: bytes) -> ScanResult:
        """Clean, or not clean with clamd's name for what it found; any other outcome raises ScannerUnavailable."""
        with self._connect() as connection:
            view = memoryview(data)
            try:
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(view), CHUNK_BYTES):
                    chunk = view[start : start + CHUNK_BYTES]
                    connection.sendall(struct.pack(">I", len(chunk)))
                    connection.sendall(chunk)
                connection.sendall(struct.pack(">I", 0))
            except OSError as error:
                # clamd closes the stream early when it refuses it (size limit): its reason is worth reading.
                raise ScannerUnavailable(
                    f"clamd tok ikke imot strømmen: {self._reason_after(connection, error)}"
                ) from error
            reply = self._reply(connection)
        return _verdict(reply)

    def _connect(self) -> socket.socket:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(self._timeout)
        try:
            connection.connect(self._socket_path)
        except OSError as error:
            connection.close()
            raise ScannerUnavailable(
                f"clamd svarer ikke på {self._socket_path}: {type(error).__name__} {error.strerror or ''}".rstrip()
            ) from error
        return connection

    def _send(self, connection: socket.socket, payload: bytes) -> None:
        try:
            connection.sendall(payload)
        except OSError as error:
            raise ScannerUnavailable(f"clamd tok ikke imot kommandoen: {type(error).__name__}") from error

    def _reply(self, connection: socket.socket) -> str:
        received = bytearray()
        try:
            while not received.endswith(b"\0"):
                part = connection.recv(_MAX_REPLY_BYTES)
                if not part:
                    break
                received += part
                if len(received) > _MAX_REPLY_BYTES:
                    raise ScannerUnavailable("clamd svarte med mer enn et svar")
        except TimeoutError as error:
            raise ScannerUnavailable(f"clamd svarte ikke innen {self._timeout:g} s") from error
        except OSError as error:
            raise ScannerUnavailable(f"forbindelsen til clamd brøt: {type(error).__name__}") from error
        if not received.endswith(b"\0"):
            raise ScannerUnavailable("clamd lukket forbindelsen før svaret var helt")
        return received[:-1].decode("utf-8", errors="replace").strip()

    def _reason_after(self, connection: socket.socket, error: OSError) -> str:
        """What clamd said before it closed, if it said anything; else the socket error's kind."""
        try:
            connection.settimeout(min(self._timeout, 2.0))
            reply = connection.recv(_MAX_REPLY_BYTES).rstrip(b"\0").decode("utf-8", errors="replace").strip()
        except OSError:
            reply = ""
        return reply[:200] or type(error).__name__


def _verdict(reply: str) -> ScanResult:
    if reply == _OK:
        return ScanResult(clean=True)
    if reply.startswith(_PREFIX) and reply.endswith(_FOUND):
        signature = reply[len(_PREFIX) : -len(_FOUND)].strip()
        if signature:
            return ScanResult(clean=False, signature=signature)
    raise ScannerUnavailable(f"clamd svarte uventet: «{reply[:200]}»")
