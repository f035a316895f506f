"""Counters a stage returns: what was new, updated, duplicate, failed, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Failure:
    document: str  # a file name or source key, never contents
    reason: str
    message: str


@dataclass
class StageSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: int = 0
    processed: int = 0
    failures: list[Failure] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)  # document id -> new|updated|parsed|duplicate|failed

    def fail(self, document: str, reason: str, message: str) -> None:
        self.failed += 1
        self.failures.append(Failure(document, reason, message))

    def merge(self, other: StageSummary) -> StageSummary:
        for name in ("new", "updated", "unchanged", "duplicate", "failed", "processed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures.extend(other.failures)
        self.outcomes.update(other.outcomes)
        return self

    def as_dict(self) -> dict:
        return asdict(self)
