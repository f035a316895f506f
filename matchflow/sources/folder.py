"""Files and folders (recursively) as a source; CSV/JSON files become job tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from matchflow.domain import DocumentKind
from matchflow.sources.base import IncomingDocument
from matchflow.sources.job_table import iter_job_table

TABLE_SUFFIXES = {".csv", ".json", ".jsonl"}
SKIPPED_NAMES = {".ds_store", "thumbs.db"}


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Every file under the given paths, sorted, hidden files skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"No such file or folder: {path}")
    return sorted({p.resolve() for p in found})


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts) or relative.name.lower() in SKIPPED_NAMES


def iter_folder(paths: Iterable[Path], kind: DocumentKind, *, max_bytes: int) -> Iterator[IncomingDocument]:
    """Yield one IncomingDocument per file (or per row of a job table)."""
    for path in discover_files(paths):
        if kind is DocumentKind.JOB and path.suffix.lower() in TABLE_SUFFIXES:
            yield from iter_job_table(path)
            continue
        size = path.stat().st_size
        payload = {"path": str(path), "size": size}
        if size > max_bytes:
            yield IncomingDocument(source="folder", form_id=str(path.parent), record_key=str(path), kind=kind,
                                   data=None, filename=path.name, payload=payload,
                                   problem=f"too_large: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB cap")
            continue
        yield IncomingDocument(source="folder", form_id=str(path.parent), record_key=str(path), kind=kind,
                               data=path.read_bytes(), filename=path.name, payload=payload)
