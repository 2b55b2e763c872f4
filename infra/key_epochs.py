"""Epoch keys as files in `OMBUD_KEY_EPOCH_DIR`, outside PostgreSQL and its backups: deleting a file forgets a key.

One file per epoch (`epoch-000001.json`, mode 0600), written whole or not at all (a private temporary file, then a
hard link that fails if the name is taken) and destroyed by overwriting and unlinking. The key in the file is
wrapped by the master key with the epoch's number and time as associated data: the folder alone opens nothing, and
an altered, renamed or foreign file fails loudly instead of wrapping keys nobody can open later.
"""

from __future__ import annotations

import base64
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from services import aead
from services.key_epochs import KEY_BYTES, Epoch, EpochDestroyed, EpochKeyError

SETTING = "OMBUD_KEY_EPOCH_DIR"
_NAME = re.compile(r"epoch-([0-9]{6,9})\.json")


class DirectoryEpochStore:
    """Keys are cached per process once read (they are not what erasure destroys), but every use first checks that
    the file is still there: a destroyed epoch stops working at once here and at the next use in any other process."""

    def __init__(self, folder: Path, master_key: bytes) -> None:
        self._folder = folder
        self._master_key = master_key
        self._cache: dict[int, tuple[Epoch, bytes]] = {}

    def epochs(self) -> list[Epoch]:
        found = []
        for number in self._numbers():
            try:
                found.append(self._load(number)[0])
            except EpochDestroyed:  # destroyed by another process between the listing and the reading
                continue
        return found

    def create(self) -> Epoch:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        while True:
            number = max(self._numbers(), default=0) + 1
            epoch = Epoch(number, datetime.now(UTC).replace(microsecond=0))
            key = os.urandom(KEY_BYTES)
            content = {
                "epoch": number,
                "created": epoch.created.isoformat(),
                "key": base64.b64encode(aead.encrypt(self._master_key, key, _associated(epoch))).decode(),
            }
            temporary = self._folder / f".epoch-{number:06d}.{os.urandom(6).hex()}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(content, handle)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, self._path(number))  # fails if another process took the number first
            except FileExistsError:
                continue
            finally:
                temporary.unlink()
            self._sync_folder()
            self._cache[number] = (epoch, key)
            return epoch

    def key(self, number: int) -> bytes:
        return self._load(number)[1]

    def destroy(self, number: int) -> None:
        self._cache.pop(number, None)
        path = self._path(number)
        try:
            with path.open("r+b") as handle:
                size = handle.seek(0, os.SEEK_END)
                handle.seek(0)
                handle.write(os.urandom(size))
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        except FileNotFoundError:
            return
        self._sync_folder()

    def _load(self, number: int) -> tuple[Epoch, bytes]:
        path = self._path(number)
        if not path.exists():
            self._cache.pop(number, None)
            raise EpochDestroyed(number)
        if number in self._cache:
            return self._cache[number]
        try:
            content = json.loads(path.read_text())
            epoch = Epoch(number, datetime.fromisoformat(content["created"]))
            wrapped = base64.b64decode(content["key"], validate=True)
            if content["epoch"] != number or epoch.created.tzinfo is None:
                raise ValueError
            key = aead.decrypt(self._master_key, wrapped, _associated(epoch))
        except FileNotFoundError:
            raise EpochDestroyed(number) from None
        except (OSError, ValueError, KeyError, TypeError, InvalidTag):
            raise EpochKeyError(
                f"{SETTING}: {path.name}: nøkkelfilen er endret, ødelagt eller hører ikke til denne hovednøkkelen"
            ) from None
        self._cache[number] = (epoch, key)
        return epoch, key

    def _numbers(self) -> list[int]:
        try:
            names = os.listdir(self._folder)
        except FileNotFoundError:
            return []
        return sorted(int(found.group(1)) for name in names if (found := _NAME.fullmatch(name)))

    def _path(self, number: int) -> Path:
        return self._folder / f"epoch-{number:06d}.json"

    def _sync_folder(self) -> None:
        """The new or removed name itself is durable once the folder is synced."""
        fd = os.open(self._folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def __repr__(self) -> str:
        return "DirectoryEpochStore()"


def _associated(epoch: Epoch) -> str:
    return f"ombud/key-epoch/{epoch.number}/{epoch.created.isoformat()}"
