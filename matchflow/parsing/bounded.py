"""Parse hostile documents safely: in child processes with a per-document wall-clock timeout and an
address-space cap, so a PDF that loops or a file that eats memory fails alone.

    parse_document_bounded(data)        one document, one short-lived child
    iter_parse_many(items, workers=N)   N long-lived children, one document at a time each; results
                                        yielded in input order as soon as they are ready
    parse_many(items, workers=N)        the same, as a list

A child that runs past the timeout is killed and replaced; one that dies (memory cap, crash)
is replaced too, and its document gets a DocumentError. Children are reused between documents
and between calls (kept idle in this process until it exits, see ``shutdown_parsers``) because
starting one re-imports the caller's ``__main__`` module (multiprocessing's spawn/forkserver rule;
the fork server's ``__main__`` preload does not work on Python 3.11): cheap for a script, about a
second of CPU for a Prefect engine process, which per batch of 64 documents was a tenth of the parse
time. As with any multiprocessing code, a script calling these must guard its body with
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.connection
import os
import queue
import resource
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any

from matchflow.domain import DocumentError, DocumentKind, FailureReason, ParsedDocument
from matchflow.parsing.core import DEFAULT_MAX_BYTES, check_size, parse_document

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_MEMORY_MB = 1024
STARTUP_TIMEOUT_S = 120.0  # importing the caller's __main__ in the child can be slow (Prefect)
DOCUMENTS_PER_CHILD = 200  # recycle children now and then: pdfminer's caches only grow
MAX_IDLE_CHILDREN = 32  # kept between calls, per memory cap (settings.parse_workers is at most 32)
_PRELOAD = ["matchflow.parsing.core"]
_EXIT_OUT_OF_MEMORY = 3


def _context() -> BaseContext:
    """forkserver where available (no inherited threads/locks, parsers preloaded once), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)  # takes effect when the fork server first starts
        return ctx
    return multiprocessing.get_context("spawn")


def _limit_memory(max_memory_mb: int) -> None:
    """Cap the child's address space at its current size plus ``max_memory_mb`` (Linux; no-op elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    limit = current + max_memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _serve(conn: multiprocessing.connection.Connection, max_memory_mb: int) -> None:
    """Child loop: receive (data, filename, max_bytes, kind), answer with a plain tuple
    (DocumentError itself does not survive pickling), until the parent sends None.
    """
    _limit_memory(max_memory_mb)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send("ready")  # start-up time must not count against the first document's timeout
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        except MemoryError:  # the document alone is over the cap; the pipe is now out of step
            os._exit(_EXIT_OUT_OF_MEMORY)
        if job is None:
            return
        data, filename, max_bytes, kind = job
        try:
            parsed = parse_document(data, filename=filename, max_bytes=max_bytes, kind=DocumentKind(kind))
            answer: tuple[Any, ...] = ("ok", parsed.model_dump())
        except DocumentError as exc:
            answer = ("error", exc.reason.value, exc.message)
        except MemoryError:
            answer = ("error", FailureReason.TOO_LARGE.value, "The document needs too much memory to read.")
        del data
        conn.send(answer)


class _Child:
    """One parsing child process and its pipe; replaced after a timeout, a death (also while idle) or N documents."""

    def __init__(self, ctx: BaseContext, max_memory_mb: int) -> None:
        self._ctx, self.max_memory_mb = ctx, max_memory_mb
        self._process: Any = None
        self._conn: multiprocessing.connection.Connection | None = None
        self._served = 0

    def _start(self) -> None:
        parent, child = self._ctx.Pipe(duplex=True)  # type: ignore[attr-defined]
        self._process = self._ctx.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, self.max_memory_mb), daemon=True
        )
        self._process.start()
        child.close()
        self._conn, self._served = parent, 0
        try:
            ready = parent.recv() if parent.poll(STARTUP_TIMEOUT_S) else None
        except (EOFError, OSError):
            ready = None
        if ready != "ready":
            self.stop(kill=True)
            raise DocumentError(FailureReason.INTERNAL, "The document reader process could not start.")

    def stop(self, *, kill: bool = False) -> None:
        if self._process is None:
            return
        if not kill and self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                kill = True
        if self._conn is not None:
            self._conn.close()
        self._process.join(None if not kill else 0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)
        self._process, self._conn = None, None

    def parse(
        self, data: bytes, *, filename: str | None, max_bytes: int, kind: DocumentKind, timeout_s: float
    ) -> ParsedDocument:
        """Send one document and wait at most ``timeout_s``; raises DocumentError only."""
        if self._process is None or self._served >= DOCUMENTS_PER_CHILD or not self._process.is_alive():
            self.stop()
            self._start()
        assert self._conn is not None
        self._served += 1
        name = f" '{filename}'" if filename else ""
        try:
            self._conn.send((data, filename, max_bytes, str(kind)))
            answer = self._conn.recv() if self._conn.poll(timeout_s) else None
        except (EOFError, OSError):  # the child died mid-document: memory cap or a crash
            self._process.join(1)
            exitcode = self._process.exitcode
            self.stop(kill=True)
            if exitcode in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, 1, _EXIT_OUT_OF_MEMORY):
                raise DocumentError(
                    FailureReason.TOO_LARGE, f"Reading the document{name} needed more memory than allowed."
                ) from None
            raise DocumentError(
                FailureReason.CORRUPT, f"The reader crashed on the document{name} (exit code {exitcode})."
            ) from None
        if answer is None:
            self.stop(kill=True)
            raise DocumentError(
                FailureReason.TIMEOUT,
                f"Reading the document{name} took longer than {timeout_s:g} s; it is probably malformed.",
            )
        if answer[0] == "ok":
            return ParsedDocument.model_validate(answer[1])
        raise DocumentError(FailureReason(answer[1]), answer[2])


def parse_document_bounded(
    data: bytes,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    kind: DocumentKind = DocumentKind.RESUME,
) -> ParsedDocument:
    """``parse_document`` in a child process: TIMEOUT after ``timeout_s``, TOO_LARGE past the memory cap
    (``max_memory_mb`` on top of the child's start-up size). Raises DocumentError only; thread-safe.
    """
    check_size(data, filename=filename, max_bytes=max_bytes)
    child = _Child(_context(), max_memory_mb)
    try:
        return child.parse(data, filename=filename, max_bytes=max_bytes, kind=kind, timeout_s=timeout_s)
    finally:
        child.stop()


class _IdleChildren:
    """Children kept between ``parse_many`` calls, per memory cap; forgotten in a forked copy of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._idle: dict[int, list[_Child]] = {}

    def take(self, ctx: BaseContext, max_memory_mb: int, n: int) -> list[_Child]:
        with self._lock:
            if self._pid != os.getpid():  # the children belong to the process that started them
                self._idle, self._pid = {}, os.getpid()
            idle = self._idle.setdefault(max_memory_mb, [])
            taken = [idle.pop() for _ in range(min(n, len(idle)))]
        return taken + [_Child(ctx, max_memory_mb) for _ in range(n - len(taken))]

    def give_back(self, children: list[_Child]) -> None:
        with self._lock:
            keep = self._pid == os.getpid()
            for child in children:
                idle = self._idle.setdefault(child.max_memory_mb, [])
                if keep and len(idle) < MAX_IDLE_CHILDREN:
                    idle.append(child)
                else:
                    child.stop()

    def shutdown(self) -> None:
        with self._lock:
            children = [child for idle in self._idle.values() for child in idle] if self._pid == os.getpid() else []
            self._idle = {}
        for child in children:
            child.stop()


_IDLE = _IdleChildren()
atexit.register(_IDLE.shutdown)


def shutdown_parsers() -> None:
    """Stop the idle parsing children now (they are stopped at exit anyway)."""
    _IDLE.shutdown()


def iter_parse_many(
    items: list[tuple[str, bytes]],
    *,
    workers: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB,
    kind: DocumentKind = DocumentKind.RESUME,
) -> Iterator[ParsedDocument | DocumentError]:
    """Parse (filename, bytes) pairs in ``workers`` child processes, yielding results in input order as they
    are ready, so the caller's own per-document work (extraction, database rows) overlaps the parsing.

    A failure is yielded in place as its DocumentError, so one bad file never fails a batch.
    """
    if not items:
        return
    n = max(1, min(workers, len(items)))
    children = _IDLE.take(_context(), max_memory_mb, n)
    idle: queue.Queue[_Child] = queue.Queue()
    for child in children:
        idle.put(child)

    def one(item: tuple[str, bytes]) -> ParsedDocument | DocumentError:
        filename, data = item
        child = idle.get()
        try:
            check_size(data, filename=filename, max_bytes=max_bytes)
            return child.parse(data, filename=filename, max_bytes=max_bytes, kind=kind, timeout_s=timeout_s)
        except DocumentError as exc:
            return exc
        finally:
            idle.put(child)

    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="parse")
    futures: list[Future[ParsedDocument | DocumentError]] = [pool.submit(one, item) for item in items]
    try:
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        _IDLE.give_back(children)


def parse_many(items: list[tuple[str, bytes]], **options: Any) -> list[ParsedDocument | DocumentError]:
    """``iter_parse_many`` (same options) as a list in input order; failures in place as DocumentErrors."""
    return list(iter_parse_many(items, **options))
