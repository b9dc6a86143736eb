"""Outputs appear whole or not at all: written beside the target, then moved into place."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import Location, PressError, Reporter


@contextmanager
def atomic_output(target: Path, reporter: Reporter) -> Iterator[Path]:
    """A temporary path that replaces `target` only if the block completes.

    A failed or interrupted build leaves the previous edition untouched, and
    Make never sees a half-written file with a fresh timestamp. Under --strict,
    a warning a library logged while the output was made stops it here.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise PressError(f"cannot write to the output folder: {error.strerror}", Location(target.parent)) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        reporter.before_commit()
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def atomic_folder(target: Path, reporter: Reporter) -> Iterator[Path]:
    """A temporary folder that replaces the folder `target` only if the block completes.

    The previous folder is moved aside, the new one moved in, the old one deleted:
    no file of an earlier build outlives it, and a failed build leaves it whole.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part"))
    except OSError as error:
        raise PressError(f"cannot write to the output folder: {error.strerror}", Location(target.parent)) from None
    aside = None
    try:
        yield temporary
        reporter.before_commit()
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o777 & ~umask)
        if target.exists() or target.is_symlink():
            aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
            target.replace(aside / target.name)
        temporary.replace(target)
    except OSError as error:
        raise PressError(f"cannot write {target.name}: {error.strerror}", Location(target)) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
