"""The clamd client against a real private clamd: EICAR is found, clean bytes pass, and every failure is an error."""

from __future__ import annotations

import io
import signal
import socket
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infra.clamd import ClamdScanner, ScannerUnavailable
from infra.logins import worker_url_for
from infra.runtime import projection_worker, virus_scanner
from infra.settings import Settings
from services.platform import Platform
from services.virus_scan import ScanResult, VirusScanner
from tests.clamd_server import EICAR, EICAR_SIGNATURE, PrivateClamd, require_clamd

PDF_ISH = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def scanner(clamd_socket: Path) -> ClamdScanner:
    return ClamdScanner(clamd_socket, timeout=30)


@pytest.fixture
def own_clamd() -> Iterator[PrivateClamd]:
    """A clamd of the test's own, which it may stop or kill."""
    require_clamd()
    with PrivateClamd() as clamd:
        yield clamd


def test_the_eicar_file_is_found_with_its_signature_name(scanner: ClamdScanner) -> None:
    assert scanner.scan(EICAR) == ScanResult(clean=False, signature=EICAR_SIGNATURE)


def test_the_eicar_file_inside_a_zip_is_found(scanner: ClamdScanner) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("vedtak.txt", EICAR)
    assert scanner.scan(packed.getvalue()) == ScanResult(clean=False, signature=EICAR_SIGNATURE)


def test_the_eicar_text_within_other_bytes_is_no_whole_file_match_and_passes(scanner: ClamdScanner) -> None:
    """The test database holds the whole file's hash only: what it does not know, clamd calls clean."""
    assert scanner.scan(PDF_ISH + EICAR) == ScanResult(clean=True)


@pytest.mark.parametrize("data", [PDF_ISH, b"", b"\0", "Brev fra Ola Testnordmann: æøå\n".encode()])
def test_clean_bytes_are_clean(scanner: ClamdScanner, data: bytes) -> None:
    assert scanner.scan(data) == ScanResult(clean=True, signature=None)


def test_a_large_stream_within_the_limit_is_scanned_whole(scanner: ClamdScanner) -> None:
    """25 MB, the attachments' default limit a file, in the client's 64 KiB chunks, under the daemon's 30M."""
    data = PDF_ISH + bytes(range(256)) * (25 * 1024 * 1024 // 256 - 1)
    assert len(data) < 25 * 1024 * 1024
    assert scanner.scan(data) == ScanResult(clean=True)
    assert scanner.scan(EICAR) == ScanResult(clean=False, signature=EICAR_SIGNATURE)  # and the daemon still serves


def test_a_stream_over_the_daemons_limit_is_an_error_not_clean() -> None:
    require_clamd()
    with PrivateClamd(stream_max_length="1M") as clamd:
        with pytest.raises(ScannerUnavailable, match="size limit"):
            ClamdScanner(clamd.socket_path, timeout=30).scan(b"a" * (3 * 1024 * 1024))
        assert ClamdScanner(clamd.socket_path).scan(b"a" * 1000) == ScanResult(clean=True)


def test_a_file_over_the_daemons_file_limit_is_not_called_clean() -> None:
    """Without `AlertExceedsMax yes` clamd skips a file over MaxFileSize and answers OK: production sets it too."""
    require_clamd()
    with PrivateClamd(stream_max_length="10M", max_file_size="1M") as clamd:
        result = ClamdScanner(clamd.socket_path, timeout=30).scan(PDF_ISH + b"c" * (2 * 1024 * 1024))
        assert result == ScanResult(clean=False, signature="Heuristics.Limits.Exceeded.MaxFileSize")


def test_a_missing_socket_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScannerUnavailable, match="clamd svarer ikke"):
        ClamdScanner(tmp_path / "nowhere.sock", timeout=2).scan(EICAR)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(tmp_path / "nowhere.sock", timeout=2).ping()


def test_a_socket_path_too_long_for_unix_sockets_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(tmp_path / ("x" * 200) / "clamd.sock", timeout=2).scan(PDF_ISH)


def test_a_file_where_the_socket_should_be_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "clamd.sock").write_bytes(b"")
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(tmp_path / "clamd.sock", timeout=2).scan(PDF_ISH)


def test_a_killed_daemon_is_an_error(own_clamd: PrivateClamd) -> None:
    scanner = ClamdScanner(own_clamd.socket_path, timeout=5)
    assert scanner.scan(PDF_ISH) == ScanResult(clean=True)
    own_clamd.signal(signal.SIGKILL)
    assert own_clamd.process is not None
    own_clamd.process.wait(timeout=30)
    assert own_clamd.socket_path.exists()  # a killed clamd leaves its socket file: nobody answers on it
    with pytest.raises(ScannerUnavailable):
        scanner.scan(PDF_ISH)


def test_a_hung_daemon_is_an_error_after_the_timeout(own_clamd: PrivateClamd) -> None:
    own_clamd.signal(signal.SIGSTOP)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(own_clamd.socket_path, timeout=0.5).scan(PDF_ISH)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(own_clamd.socket_path, timeout=0.5).ping()


def _streaming(thread: threading.Thread) -> bool:
    """The thread is connected and sending: its innermost Python frame is `scan` itself (sendall is C), not
    `_connect`; with the daemon stopped and 20 MB to send, it stays there, mid-stream."""
    frame = sys._current_frames().get(thread.ident or -1)
    return frame is not None and frame.f_code is ClamdScanner.scan.__code__


def test_a_daemon_killed_mid_stream_is_an_error_never_clean(own_clamd: PrivateClamd) -> None:
    """The daemon stops reading (SIGSTOP), so the stream stalls half-sent in the socket; then it is killed."""
    outcome: list[ScanResult | BaseException] = []
    data = b"b" * (20 * 1024 * 1024)  # far more than the socket buffers hold

    def scan() -> None:
        try:
            outcome.append(ClamdScanner(own_clamd.socket_path, timeout=30).scan(data))
        except BaseException as error:
            outcome.append(error)

    own_clamd.signal(signal.SIGSTOP)
    thread = threading.Thread(target=scan)
    thread.start()
    deadline = time.monotonic() + 10
    while not _streaming(thread) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _streaming(thread) and not outcome  # stalled mid-stream
    own_clamd.signal(signal.SIGKILL)
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ScannerUnavailable), outcome


class _FakeClamd:
    """A socket answering whatever the test says, to see the client refuse what clamd never says."""

    def __init__(self, folder: Path, answer: Callable[[socket.socket], None]) -> None:
        self.path = folder / "fake.sock"
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(self.path))
        self._server.listen(1)
        self._answer = answer
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _ = self._server.accept()
        with connection:
            self._answer(connection)

    def close(self) -> None:
        self._thread.join(timeout=10)
        self._server.close()


def _read_stream(connection: socket.socket) -> None:
    received = b""
    while not received.endswith(b"\0\0\0\0"):
        part = connection.recv(65536)
        if not part:
            return
        received += part


@pytest.mark.parametrize(
    "reply",
    [
        b"stream: FOUND\0",  # a finding without a name
        b"stream: ERROR\0",
        b"INSTREAM size limit exceeded. ERROR\0",
        b"UNKNOWN COMMAND\0",
        b"stream: OK",  # cut off before its NUL
        b"",  # closed without a word
        b"stream: OK\0stream: OK\0" + b"x" * 5000,  # more than one answer
    ],
)
def test_an_answer_clamd_never_gives_is_an_error(tmp_path: Path, reply: bytes) -> None:
    def answer(connection: socket.socket) -> None:
        _read_stream(connection)
        connection.sendall(reply)

    fake = _FakeClamd(tmp_path, answer)
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(fake.path, timeout=5).scan(PDF_ISH)
    finally:
        fake.close()


def test_a_silent_socket_is_an_error_after_the_timeout(tmp_path: Path) -> None:
    fake = _FakeClamd(tmp_path, lambda connection: _read_stream(connection))
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(fake.path, timeout=0.5).scan(PDF_ISH)
    finally:
        fake.close()


def test_unset_socket_means_no_scanner_and_set_means_clamd(tmp_path: Path) -> None:
    assert Settings.from_environment({}).clamd_socket is None
    assert virus_scanner(Settings.from_environment({})) is None
    settings = Settings.from_environment({"OMBUD_CLAMD_SOCKET": str(tmp_path / "clamd.sock")})
    assert settings.clamd_socket == tmp_path / "clamd.sock"
    assert isinstance(virus_scanner(settings), ClamdScanner)


def test_the_worker_is_handed_the_scanner(platform: Platform, database_url: str, clamd_socket: Path) -> None:
    scanner: VirusScanner = ClamdScanner(clamd_socket)
    worker = projection_worker(platform, worker_url_for(database_url), None, scanner=scanner)
    try:
        assert worker._scanner is scanner
    finally:
        worker.close()
