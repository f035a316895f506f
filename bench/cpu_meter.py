"""CPU seconds used by a piece of work across processes: this one, every process it started (parser children
forked by the fork server, Prefect's server) and, optionally, a Postgres server and its backends.

Wall time on a shared machine swings with other people's load; CPU seconds mostly do not, so benches print
both. Processes are sampled every `interval` seconds from a thread, so one that exits between two samples
loses at most that interval of CPU (parser children are recycled every 200 documents).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import psutil


def _cpu(process: psutil.Process) -> float | None:
    try:
        times = process.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    return times.user + times.system


def postmaster(pgdata: Path) -> psutil.Process | None:
    """The Postgres server whose data folder is `pgdata` (embedded Postgres runs it detached, as its own user)."""
    wanted = str(pgdata)
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info.get("cmdline") or []
        if process.info.get("name") == "postgres" and "-D" in cmdline and wanted in cmdline:
            return process
    return None


class CpuMeter:
    """`with CpuMeter(postgres=...) as meter: ...`, then `meter.seconds` and `meter.by_group`
    (self / children / postgres)."""

    def __init__(self, *, postgres: psutil.Process | None = None, interval: float = 0.5) -> None:
        self._postgres, self._interval = postgres, interval
        self._me = psutil.Process()
        self._start: dict[int, float] = {}
        self._last: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-meter", daemon=True)
        self.by_group: dict[str, float] = {}

    def _processes(self) -> list[tuple[str, psutil.Process]]:
        found = [("self", self._me)]
        with contextlib.suppress(psutil.NoSuchProcess):
            found += [("children", p) for p in self._me.children(recursive=True)]
        if self._postgres is not None:
            found.append(("postgres", self._postgres))
            with contextlib.suppress(psutil.NoSuchProcess):
                found += [("postgres", p) for p in self._postgres.children(recursive=True)]
        return found

    def _sample(self) -> dict[int, tuple[str, float]]:
        out = {}
        for group, process in self._processes():
            seconds = _cpu(process)
            if seconds is not None:
                out[process.pid] = (group, seconds)
        return out

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._last.update(self._sample())

    def __enter__(self) -> CpuMeter:
        self._start = {pid: seconds for pid, (_, seconds) in self._sample().items()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._last.update(self._sample())
        groups: dict[str, float] = {}
        for pid, (group, seconds) in self._last.items():
            groups[group] = groups.get(group, 0.0) + max(0.0, seconds - self._start.get(pid, 0.0))
        self.by_group = {group: round(seconds, 2) for group, seconds in sorted(groups.items())}

    @property
    def seconds(self) -> float:
        return round(sum(self.by_group.values()), 2)
