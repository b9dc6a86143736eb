"""A build's editions made side by side: one process lays out the print edition while another makes the rest.

Once the manuscript is read (its one Pandoc pass, every library the editions
need loaded), a build of several editions on a machine of several cores forks:
this process makes the first edition (the PDF, the long one), and the process
forked beside it makes the others in order, the web edition first and the EPUB
last, whose page list waits for this process's print layout through the build
cache (as it does when Make builds the editions in processes of their own). The
fork gives the other process the read manuscript and the loaded libraries for
nothing: Make's way, a process for each edition, starts Python, loads the
libraries and reads the manuscript three times.

The process beside writes its editions, their depfiles and records as this one
does, shows its findings as it makes them, and hands back what this process
reports for the whole build: the files written, the findings, the cache entries
used, or the error that stopped it.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .cache import owner
from .context import BuildContext
from .errors import CombinedError, Diagnostic, Location, PressError
from .speculation import GuessMissedError


@dataclass
class Outcome:
    """What the process beside the build hands back."""

    written: dict[str, Path] = field(default_factory=dict)
    findings: list[Diagnostic] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    #: The problems of the error that stopped it, each its message and where.
    problems: list[tuple[str, Location | None]] = field(default_factory=list)
    #: The guessed Pandoc pass it went on with was not the real one (press.speculation).
    missed: bool = False
    #: What went wrong that is not the author's, as Python told it.
    failure: str = ""


@dataclass
class Beside:
    """Editions being made by a process forked from the build."""

    editions: tuple[str, ...]
    process: multiprocessing.process.BaseProcess
    receiving: Connection

    def outcome(self) -> Outcome:
        """Wait for the process beside to finish, and what it hands back."""
        try:
            # Its end is watched as well as the pipe: a process it forked in turn (a book's layout worker)
            # holds the pipe open after it, and the pipe alone would never say it ended.
            wait([self.receiving, self.process.sentinel])
            if not self.receiving.poll():
                raise EOFError
            outcome: Outcome = self.receiving.recv()
        except EOFError:  # it ended without a word: killed (out of memory), or Python itself failed
            self.process.join()
            code = self.process.exitcode or 0
            ended = f"was stopped by signal {-code}" if code < 0 else f"ended with status {code}"
            editions = f"{' and '.join(self.editions)} edition{'s' if len(self.editions) > 1 else ''}"
            return Outcome(problems=[(f"the process making the {editions} {ended}", None)])
        finally:
            self.receiving.close()
        self.process.join()
        return outcome


def shared(editions: Iterable[str]) -> tuple[list[str], list[str]]:
    """The editions this process makes and those a process beside it makes: all here when they are fewer than
    two or the machine has one core."""
    editions = list(editions)
    if len(editions) < 2 or (os.cpu_count() or 1) < 2:
        return editions, []
    return editions[:1], editions[1:]


def start(
    editions: list[str], manuscript: str, context: BuildContext, make: Callable[[], dict[str, Path]]
) -> Beside | None:
    """Fork a process that makes `editions` of the manuscript named `manuscript` by `make` (which returns the
    files it wrote); None if the system gives no process (the editions are then made here)."""
    forked = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or what is waiting to be written would be written twice
    try:
        receiving, sending = forked.Pipe(duplex=False)
    except OSError:
        return None
    process = forked.Process(
        target=_make_beside,
        args=(make, [owner(manuscript, name) for name in editions], context, sending),
        name=f"press-{'-'.join(editions)}",
    )
    try:
        process.start()
    except OSError:
        receiving.close()
        return None
    finally:
        sending.close()
    return Beside(tuple(editions), process, receiving)


def _make_beside(
    make: Callable[[], dict[str, Path]], owners: list[str], context: BuildContext, sending: Connection
) -> None:
    context.cache.beside(owners)
    reporter = context.reporter
    shown = len(reporter.diagnostics)
    reporter.beside()  # what was found before the fork is the build's to show
    outcome = Outcome()
    try:
        outcome.written = make()
    except GuessMissedError:
        outcome.missed = True
    except PressError as error:
        outcome.problems = [(problem.message, problem.location) for problem in error.problems]
        try:
            reporter.check_guards()  # its findings shown before the error, as the build shows its own
        except GuessMissedError:
            outcome.missed = True
    except BaseException:  # handed to the build, which raises it
        outcome.failure = traceback.format_exc()
    outcome.findings = reporter.diagnostics[shown:]
    outcome.used = set(context.cache.used)
    sending.send(outcome)
    sending.close()


def take(outcome: Outcome, context: BuildContext, written: dict[str, Path]) -> None:
    """The process beside's files, findings and cache entries made the build's, or the error that stopped it
    raised here."""
    context.cache.used |= outcome.used
    context.reporter.adopt(outcome.findings)
    if outcome.missed:
        raise GuessMissedError
    if outcome.problems:
        problems = [PressError(message, location) for message, location in outcome.problems]
        raise problems[0] if len(problems) == 1 else CombinedError(problems)
    if outcome.failure:
        # What went wrong in one line, as the command line tells a fault of its own; the other process's
        # traceback for --debug.
        failure = RuntimeError(f"in the process beside the build: {outcome.failure.strip().splitlines()[-1]}")
        failure.add_note(outcome.failure)
        raise failure
    written.update(outcome.written)
