"""The book's divisions laid out by the build's own process beside its workers: every division once,
each result in its place, this process among those that work, and an error stopping the rest."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from press import splitlayout


@dataclass(frozen=True)
class FakeJob:
    """What scheduling reads of a division's job: its page (the longest go to the workers first)."""

    page: str


def laid_out_by(job: FakeJob) -> tuple[bytes, bytes]:
    """A stand-in for the layout: which process laid the division out."""
    if job.page.startswith("fail"):
        raise ValueError(job.page)
    return job.page.encode(), str(os.getpid()).encode()


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_every_division_is_laid_out_once_in_its_place_this_process_among_the_workers(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(splitlayout, "lay_out_division", laid_out_by)
    monkeypatch.setattr(splitlayout, "default_jobs", lambda: 2)
    jobs = [FakeJob("x" * (index % 3 + 1) + f"-{index}") for index in range(count)]
    made = splitlayout._lay_out_all(jobs)  # type: ignore[arg-type]
    assert [page for page, _ in made] == [job.page.encode() for job in jobs]
    processes = {int(process) for _, process in made}
    if count > 1:
        assert os.getpid() in processes and len(processes) == 2  # this process and its one worker both worked
    else:
        assert processes == {os.getpid()}


def test_an_error_in_a_division_stops_the_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(splitlayout, "lay_out_division", laid_out_by)
    monkeypatch.setattr(splitlayout, "default_jobs", lambda: 2)
    with pytest.raises(ValueError, match="fail"):
        splitlayout._lay_out_all([FakeJob("a"), FakeJob("fail, the longest"), FakeJob("b"), FakeJob("c")])  # type: ignore[list-item]
