"""Every hostile input of the issue in one ingest batch with good resumes: each hostile file ends as a
per-document failure with a clear reason (or a clean parse), inside a time and memory bound, and the good
ones land parsed and linked to their candidates.

The batch runs in a child process so its peak memory can be read (VmHWM): a 200 MB upload and a zip
bomb must never be held in memory, and parsing runs in capped children of that process. Not getrusage's
ru_maxrss: Linux carries it across exec, so it reports at least the size of the pytest process that forked.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa

from storage.models import Document
from tests.factories.documents import (
    make_binary_noise,
    make_cp1251_txt,
    make_doc,
    make_docx,
    make_docx_with_cells,
    make_docx_zip_bomb,
    make_encrypted_pdf,
    make_nested_pdf,
    make_pdf,
    make_png,
    make_truncated_pdf,
    make_utf16_txt,
)

BATCH_TIMEOUT_S = 600  # a bound, not a measurement: a parser stuck on one file would blow it
MAX_PEAK_GROWTH_MB = 190  # the batch process's peak RSS over its size after imports: below the 200 MB file
MAX_CHILD_PEAK_MB = 1024 + 300  # a parse child: the address-space cap (bounded.py) plus its interpreter
HUGE_MB = 200

RUSSIAN = ["Иван Петров", "Python-разработчик", "Опыт работы", "Яндекс, 2018 - 2023, backend на Python и Django",
           "Ключевые навыки", "Python, Django, PostgreSQL, Docker"]


def _english(name: str, role: str, skills: str) -> list[str]:
    return [name, role, "Summary", f"{role} with six years of experience.", "Experience",
            f"Acme GmbH, 2018 - 2024, {role}", "Skills", skills]


GOOD = {
    "good-ada.pdf": lambda: make_pdf(_english("Ada Lovelace", "Backend Engineer", "Python, PostgreSQL, Docker")),
    "good-bob.docx": lambda: make_docx(_english("Bob Stone", "Data Engineer", "SQL, Airflow, Spark")),
    "good-cyd.doc": lambda: make_doc(_english("Cyd Moss", "DevOps Engineer", "Kubernetes, Terraform, AWS")),
}
# file name -> (bytes, expected status, expected failure reason or None)
HOSTILE = {
    "encrypted.pdf": (make_encrypted_pdf, "failed", "encrypted"),
    "truncated.pdf": (make_truncated_pdf, "failed", "corrupt"),
    "nested.pdf": (lambda: make_nested_pdf(50_000), "failed", "no_text"),
    "bomb.docx": (make_docx_zip_bomb, "failed", "archive_bomb"),
    "photo.docx": (make_png, "failed", "unsupported_type"),  # the extension lies: a PNG
    "noise.bin": (make_binary_noise, "failed", "unsupported_type"),
    "lying.pdf": (lambda: make_docx(_english("Dee Lie", "QA Engineer", "Selenium, Python")), "parsed", None),
    "cp1251.txt": (lambda: make_cp1251_txt("\n".join(RUSSIAN)), "parsed", None),
    "utf16.txt": (lambda: make_utf16_txt("\n".join(RUSSIAN).replace("Иван", "Пётр")), "parsed", None),
    "cells.docx": (lambda: make_docx_with_cells(10_000), "parsed", None),
}

CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path

    def status_mb(field):  # VmRSS now, VmHWM the peak, of this process's own address space
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith(field + ":")) / 1024

    if __name__ == "__main__":
        from matchflow.domain import DocumentKind
        from matchflow.pipeline.context import RunContext
        from matchflow.pipeline.ingest import ingest_paths
        from matchflow.settings import Settings
        from storage.db import database_engine
        import matchflow.parsing, pdfminer.high_level, docx, charset_normalizer  # noqa: the parsers' imports

        settings = Settings()
        context = RunContext.from_settings(settings, engine=database_engine(settings))
        base = status_mb("VmRSS")
        summary = ingest_paths([Path(sys.argv[1])], DocumentKind.RESUME, context=context, batch_size=64)
        print(json.dumps({
            "summary": summary.as_dict(), "base_mb": base,
            "peak_mb": status_mb("VmHWM"),
        }))
""")


def _watch_descendants(process: subprocess.Popen, timeout_s: float) -> float:
    """Until `process` exits: the largest resident size (MB) any of its descendants reached (sampled)."""
    import psutil

    deadline, peak = time.monotonic() + timeout_s, 0.0
    parent = psutil.Process(process.pid)
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the batch took longer than {timeout_s} s")
        with contextlib.suppress(psutil.Error):
            for child in parent.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, child.memory_info().rss / 2**20)
        time.sleep(0.02)
    return peak


def test_hostile_files_fail_alone_and_the_good_ones_land(engine, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    for name, make in GOOD.items():
        (folder / name).write_bytes(make())
    for name, (make, _, _) in HOSTILE.items():
        (folder / name).write_bytes(make())
    with (folder / "huge.pdf").open("wb") as huge:  # 200 MB (sparse: costs no disk, reads as 200 MB)
        huge.truncate(HUGE_MB * 2**20)
    script = tmp_path / "ingest_batch.py"
    script.write_text(CHILD)
    env = {**os.environ, "MATCHFLOW_FILE_STORE": str(tmp_path / "files")}

    process = subprocess.Popen([sys.executable, str(script), str(folder)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    child_peak_mb = _watch_descendants(process, BATCH_TIMEOUT_S)  # the parse children: not ours to getrusage
    out, err = process.communicate(timeout=60)

    assert process.returncode == 0, err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    report["child_peak_mb"] = child_peak_mb
    print({k: round(v) for k, v in report.items() if k != "summary"})
    assert report["peak_mb"] - report["base_mb"] < MAX_PEAK_GROWTH_MB, report
    assert 0 < child_peak_mb < MAX_CHILD_PEAK_MB, report

    with engine.connect() as conn:
        rows = conn.execute(sa.select(Document.filename, Document.status, Document.failure_reason,
                                      Document.failure_message, Document.candidate_id, Document.language,
                                      Document.doc_type)).all()
    by_name = {row.filename: row for row in rows}
    assert len(rows) == len(GOOD) + len(HOSTILE) + 1  # each file stored once, as one document

    for name in GOOD:  # the good ones landed: parsed, linked to a candidate, in English
        row = by_name[name]
        assert (row.status, row.failure_reason, row.language) == ("parsed", None, "en"), row
        assert row.candidate_id is not None, row
    for name, (_, status, reason) in HOSTILE.items():
        row = by_name[name]
        assert (row.status, row.failure_reason) == (status, reason), row
        if status == "failed":
            assert len(row.failure_message) > 20 and "Traceback" not in row.failure_message, row
    huge = by_name["huge.pdf"]
    assert (huge.status, huge.failure_reason) == ("failed", "too_large"), huge
    assert f"{HUGE_MB * 2**20 / 1e6:.1f} MB" in huge.failure_message
    assert by_name["lying.pdf"].doc_type == "docx"  # the bytes decide, not the extension
    assert {by_name["cp1251.txt"].language, by_name["utf16.txt"].language} == {"ru"}

    failures = {f["document"]: f["reason"] for f in report["summary"]["failures"]}
    expected = {name: reason for name, (_, status, reason) in HOSTILE.items() if status == "failed"}
    assert failures == {**expected, "huge.pdf": "too_large"}
