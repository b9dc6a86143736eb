"""The build cache in the output folder: results of slow steps, named by the hash of their inputs.

Separate `make` targets run in separate processes; the cache lets them share one
Pandoc pass, one print layout and the fonts cut for the web. Entries are written
whole or not at all, and a lock lets one process make an entry while another
that needs it waits, instead of making it twice.

The cache holds only what the latest build of each edition of each manuscript
used: every build records the entries it read or wrote under its own name
(`used/<manuscript>.<edition>`), and the last build to finish deletes every
entry no record names. Builds hold a shared lock while they run and the clean-up
takes it exclusively, so it never deletes an entry a running build needs.

A build also says, for as long as it runs, which editions of which manuscript
it is making (`running/<manuscript>.<edition>`, locked), so that a build side by
side with it can wait for an entry that build is making rather than make it too.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import Location, PressError

FOLDER = ".cache"
USED_FOLDER = "used"
RUNNING_FOLDER = "running"
SESSION_LOCK = "session.lock"
#: How often a build waiting for another's entry looks again, in seconds.
WAIT_INTERVAL = 0.1


def owner(manuscript: str, edition: str) -> str:
    """The name under which a build of one edition of a manuscript records what it uses."""
    return f"{manuscript}.{edition}"


def digest(*parts: bytes | str) -> str:
    """A short stable name for a set of inputs."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8") if isinstance(part, str) else part)
        hashed.update(b"\0")
    return hashed.hexdigest()[:32]


def files_digest(paths: Iterable[Path]) -> str:
    """The hash of files' names and contents; a missing file is an error, never a stale entry."""
    parts: list[bytes | str] = []
    for path in sorted(set(paths)):
        try:
            parts += [str(path), path.read_bytes()]
        except OSError as error:
            raise PressError(f"cannot read an input of the build: {error.strerror}", Location(path)) from None
    return digest(*parts)


class BuildCache:
    def __init__(self, out_dir: Path) -> None:
        self.folder = out_dir / FOLDER
        self.used: set[str] = set()
        self.owners: tuple[str, ...] = ()
        self._running: dict[str, IO[str]] = {}

    def read(self, name: str, keep: bool = True) -> bytes | None:
        """An entry's bytes, None if it is not there; `keep=False` reads it without counting it among what
        this build used (an entry consulted, not built from: the clean-up may then delete it)."""
        if keep:
            self.used.add(name)
        path = self.folder / name
        return path.read_bytes() if path.is_file() else None

    def write(self, name: str, data: bytes) -> None:
        self.used.add(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        Path(temporary).replace(self.folder / name)

    @contextmanager
    def locked(self, name: str, while_waiting: Callable[[], object] | None = None) -> Iterator[None]:
        """Hold the entry's lock: whoever holds it makes the entry; the others wait, then read it.
        `while_waiting` is called before waiting, if another build holds the lock."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / f"{name}.lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if while_waiting is not None:
                    while_waiting()
                fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def claim(self, name: str) -> Callable[[], None] | None:
        """The entry's lock (see `locked`) if no other build holds it, and the call that lets it go, which
        may be made from another thread; None if another build holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = (self.folder / f"{name}.lock").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return None

        def release() -> None:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

        return release

    @contextmanager
    def session(self, owners: Iterable[str]) -> Iterator[None]:
        """One build using the cache: said to be running while it does; on success, record what
        it used (for each edition it built) and clean up after it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / RUNNING_FOLDER).mkdir(exist_ok=True)
        self.owners = tuple(sorted(set(owners)))
        with contextlib.ExitStack() as running:
            for name in self.owners:
                running_lock = running.enter_context((self.folder / RUNNING_FOLDER / f"{name}.lock").open("a"))
                fcntl.flock(running_lock, fcntl.LOCK_EX)
                self._running[name] = running_lock
            running.callback(self._running.clear)
            with (self.folder / SESSION_LOCK).open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_SH)
                try:
                    yield
                    for name in self.owners:
                        self._record_use(name)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
                with contextlib.suppress(BlockingIOError):
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    try:
                        self.prune()
                    finally:
                        fcntl.flock(lock, fcntl.LOCK_UN)

    def finished(self, names: Iterable[str]) -> None:
        """Say that this build is done making these editions (`owner`): a build beside it waiting for an entry
        one of them would make stops waiting."""
        for name in names:
            if name in self._running:
                fcntl.flock(self._running[name], fcntl.LOCK_UN)

    def beside(self, names: Iterable[str]) -> None:
        """In a process forked from the build to make some of its editions (press.sidebyside): this process
        makes the editions `names` alone, and waits for what the build's others make as for a build beside it."""
        self.owners = tuple(sorted(set(names)))

    def running(self, name: str) -> bool:
        """Whether another build is making this edition of this manuscript (`owner`) in this folder."""
        path = self.folder / RUNNING_FOLDER / f"{name}.lock"
        if name in self.owners or not path.is_file():
            return False
        with path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
        return False

    def await_entry(self, name: str, maker: str) -> bytes | None:
        """The entry, waiting for it while a build of `maker` (which makes it) runs beside this one;
        None when it does not exist and no such build is running."""
        while (stored := self.read(name)) is None and self.running(maker):
            time.sleep(WAIT_INTERVAL)
        return stored if stored is not None else self.read(name)

    def _record_use(self, owner: str) -> None:
        records = self.folder / USED_FOLDER
        records.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=records, prefix=".tmp-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("".join(f"{name}\n" for name in sorted(self.used)))
        Path(temporary).replace(records / owner)

    def prune(self) -> None:
        """Delete every entry (and its lock) that no build's record names. Call with no build running."""
        records = self.folder / USED_FOLDER
        kept = {SESSION_LOCK, USED_FOLDER}
        if records.is_dir():
            for record in records.iterdir():
                if not record.name.startswith(".tmp-"):
                    kept.update(record.read_text(encoding="utf-8").split())
        for path in self.folder.iterdir():
            name = path.name.removesuffix(".lock")
            if path.is_file() and name not in kept:
                path.unlink(missing_ok=True)
