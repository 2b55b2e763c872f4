"""A private clamd for the tests: its own config, signature database and socket in a temporary folder.

There is no internet here, so no freshclam: the signatures are the few the tests write, such as the EICAR test
file's MD5 in a `.hdb` file (`md5:size:name`; clamd adds `.UNOFFICIAL` to names from unsigned databases). The
machine's own clamav-daemon and freshclam services are never used. `clamd_socket` is one clamd for the session;
a test that stops or kills its daemon starts a `PrivateClamd` of its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

from infra.clamd import ClamdScanner, ScannerUnavailable

CLAMD = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
# The EICAR test file, built from parts so this source file is no signature match itself.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-" + b"ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Ombud.Test.EICAR.UNOFFICIAL"  # the .hdb's name, as clamd reports it
START_SECONDS = 30.0


class PrivateClamd:
    """clamd in the foreground on a socket in its own temporary folder; started on `with`, killed and removed after."""

    def __init__(self, *, stream_max_length: str = "30M", max_file_size: str | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ombud-clamd-"))
        self.socket_path = self.folder / "clamd.sock"
        self.stream_max_length = stream_max_length
        self.max_file_size = max_file_size or stream_max_length
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if CLAMD is None:
            raise RuntimeError("clamd is not installed (Debian: apt-get install clamav-daemon)")
        signatures = self.folder / "signatures"
        signatures.mkdir()
        (signatures / "ombud-test.hdb").write_text(
            f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Ombud.Test.EICAR\n", encoding="ascii"
        )
        config = self.folder / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    f"DatabaseDirectory {signatures}",
                    f"LocalSocket {self.socket_path}",
                    f"TemporaryDirectory {self.folder}",
                    f"LogFile {self.folder / 'clamd.log'}",
                    "Foreground yes",
                    f"StreamMaxLength {self.stream_max_length}",
                    # clamd skips a file over MaxFileSize and calls it clean, unless AlertExceedsMax says otherwise
                    f"MaxFileSize {self.max_file_size}",
                    "AlertExceedsMax yes",
                    "",
                ]
            ),
            encoding="ascii",
        )
        self.process = subprocess.Popen(
            [CLAMD, f"--config-file={config}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        scanner = ClamdScanner(self.socket_path, timeout=2.0)
        while True:
            try:
                scanner.ping()
                return
            except ScannerUnavailable:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (self.folder / "clamd.log").read_text(errors="replace")[-2000:]
                        if (self.folder / "clamd.log").exists()
                        else ""
                    )
                    self.close()
                    raise RuntimeError(f"clamd did not answer PONG in {START_SECONDS:g} s\n{log}") from None
                time.sleep(0.05)

    def signal(self, number: signal.Signals) -> None:
        assert self.process is not None
        os.kill(self.process.pid, number)

    def close(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # a stopped (SIGSTOP) clamd does not act on SIGTERM
            self.process.wait(timeout=30)
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def require_clamd() -> None:
    """Skips the test, saying why, only when clamd is not installed."""
    if CLAMD is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon; .ci/run installs it)")


@pytest.fixture(scope="session")
def clamd_socket() -> Iterator[Path]:
    """The socket of one private clamd for the session, answering PONG, with the EICAR signature loaded."""
    require_clamd()
    with PrivateClamd() as clamd:
        yield clamd.socket_path
