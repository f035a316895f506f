"""The parsing children outlive one batch: reused by the next call, replaced when one died while idle,
returned when the caller stops reading early, stopped by shutdown_parsers."""

from __future__ import annotations

import os
import signal

import pytest

from matchflow.domain import ParsedDocument
from matchflow.parsing import bounded, iter_parse_many, parse_many, shutdown_parsers
from tests.factories.documents import make_docx, make_pdf


def _items(n: int) -> list[tuple[str, bytes]]:
    return [(f"cv-{i}.pdf", make_pdf([f"Candidate {i}", "Python developer with SQL and Docker"])) for i in range(n)]


def _idle_pids() -> set[int]:
    children = bounded._IDLE._idle.get(bounded.DEFAULT_MAX_MEMORY_MB, [])
    return {child._process.pid for child in children if child._process is not None}


@pytest.fixture(autouse=True)
def _no_idle_children():
    shutdown_parsers()
    yield
    shutdown_parsers()


def test_the_next_batch_reuses_the_children_of_the_last_one() -> None:
    assert all(isinstance(r, ParsedDocument) for r in parse_many(_items(4), workers=2))
    first = _idle_pids()
    assert len(first) == 2
    assert all(isinstance(r, ParsedDocument) for r in parse_many(_items(4), workers=2))
    assert _idle_pids() == first


def test_a_child_killed_while_idle_is_replaced_and_no_document_fails() -> None:
    parse_many(_items(2), workers=1)
    (child,) = bounded._IDLE._idle[bounded.DEFAULT_MAX_MEMORY_MB]
    pid = child._process.pid
    os.kill(pid, signal.SIGKILL)
    child._process.join(10)  # reaped by the fork server
    results = parse_many(_items(3), workers=1)
    assert all(isinstance(r, ParsedDocument) for r in results)
    assert _idle_pids() and pid not in _idle_pids()


def test_results_come_in_input_order_and_a_reader_may_stop_early() -> None:
    items = [("a.pdf", make_pdf(["Alice Smith", "Data analyst"])),
             ("b.docx", make_docx(["Bob Stone", "Go developer with Kubernetes"])),
             ("c.pdf", make_pdf(["Carol Jones", "Java developer"]))]
    stream = iter_parse_many(items, workers=2)
    first = next(stream)
    assert isinstance(first, ParsedDocument) and first.text.startswith("Alice Smith")
    stream.close()  # waits for the document in flight, then gives the children back
    assert len(_idle_pids()) == 2
    assert [r.text.split("\n")[0] for r in iter_parse_many(items, workers=2)] == [  # type: ignore[union-attr]
        "Alice Smith", "Bob Stone", "Carol Jones"]


def test_shutdown_stops_the_idle_children() -> None:
    parse_many(_items(2), workers=2)
    pids = _idle_pids()
    assert len(pids) == 2
    shutdown_parsers()
    assert _idle_pids() == set()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
