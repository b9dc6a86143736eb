"""The build cache in the output folder: results of slow steps, named by the hash of their inputs.

Separate `make` targets run in separate processes; the cache lets them share one
Pandoc pass, one print layout and the fonts cut for the web. Entries are written
whole or not at all, and a lock lets one process make an entry while another
that needs it waits, instead of making it twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER = ".cache"


def digest(*parts: bytes | str) -> str:
    """A short stable name for a set of inputs."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8") if isinstance(part, str) else part)
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]


class BuildCache:
    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / FOLDER

    def read(self, name: str) -> bytes | None:
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).replace(self.folder / name)

    @contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """Hold the entry's lock: whoever holds it makes the entry; the others wait, then read it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / f"{name}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
