"""What the database holds after a fault: counts per kind of record and every kind of double write.

    counts = ledger(engine, "resume")
    assert counts.lost(expected) == {} and counts.duplicates == {}

Shared by the fault-injection tests (kills, Postgres restarts) so "0 lost, 0 duplicated" means the same
thing everywhere: submissions, documents, vectors, current match sessions and match results, against what
the inputs imply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# Each query counts groups that hold more than one row where exactly one is allowed.
_DUPLICATE_CHECKS = {
    "submissions": """SELECT count(*) FROM (SELECT 1 FROM source_records WHERE kind = :kind AND is_latest
                      GROUP BY source, form_id, external_id HAVING count(*) > 1) d""",
    "candidate submissions": """SELECT count(*) FROM (SELECT 1 FROM candidate_submissions
                                WHERE source_record_id IS NOT NULL GROUP BY source_record_id
                                HAVING count(*) > 1) d""",
    "documents": """SELECT count(*) FROM (SELECT 1 FROM documents WHERE kind = :kind AND is_current
                    GROUP BY coalesce(source_id, source_path, filename), file_hash HAVING count(*) > 1) d""",
    "vectors": """SELECT count(*) FROM (SELECT 1 FROM embeddings e JOIN documents d ON d.id = e.document_id
                  WHERE d.kind = :kind GROUP BY e.document_id, e.model_id, e.section HAVING count(*) > 1) d""",
    "current sessions": """SELECT count(*) FROM (SELECT 1 FROM match_sessions s JOIN documents d
                           ON d.id = s.source_document_id WHERE d.kind = :kind AND s.is_current
                           GROUP BY s.source_document_id HAVING count(*) > 1) d""",
    "match results": """SELECT count(*) FROM (SELECT 1 FROM match_results r JOIN match_sessions s
                        ON s.id = r.session_id JOIN documents d ON d.id = s.source_document_id
                        WHERE d.kind = :kind
                        GROUP BY r.session_id, r.resume_document_id, r.job_document_id HAVING count(*) > 1) d""",
}

_COUNTS = {
    "submissions": "SELECT count(*) FROM source_records WHERE kind = :kind AND is_latest",
    "documents": "SELECT count(*) FROM documents WHERE kind = :kind AND is_current",
    "matched": "SELECT count(*) FROM documents WHERE kind = :kind AND is_current AND status = 'matched'",
    "vectors": """SELECT count(DISTINCT e.document_id) FROM embeddings e JOIN documents d ON d.id = e.document_id
                  WHERE d.kind = :kind""",
    "sessions": """SELECT count(*) FROM match_sessions s JOIN documents d ON d.id = s.source_document_id
                   WHERE d.kind = :kind AND s.is_current""",
    "results": """SELECT count(*) FROM match_results r JOIN match_sessions s ON s.id = r.session_id
                  JOIN documents d ON d.id = s.source_document_id WHERE d.kind = :kind AND s.is_current""",
    "sessions without results": """SELECT count(*) FROM match_sessions s JOIN documents d
                                   ON d.id = s.source_document_id WHERE d.kind = :kind AND s.is_current
                                   AND NOT EXISTS (SELECT 1 FROM match_results r WHERE r.session_id = s.id)""",
}


@dataclass
class Ledger:
    counts: dict[str, int]
    duplicates: dict[str, int] = field(default_factory=dict)  # only the checks that found doubles

    def lost(self, expected: dict[str, int]) -> dict[str, int]:
        """How many of each expected record are missing (only the non-zero ones)."""
        return {name: want - self.counts[name] for name, want in expected.items() if self.counts[name] < want}

    @property
    def duplicated(self) -> int:
        return sum(self.duplicates.values())


def ledger(engine: Engine, kind: str = "resume") -> Ledger:
    with engine.connect() as conn:
        counts = {name: conn.scalar(sa.text(query), {"kind": kind}) for name, query in _COUNTS.items()}
        doubles = {name: conn.scalar(sa.text(query), {"kind": kind}) for name, query in _DUPLICATE_CHECKS.items()}
    return Ledger(counts, {name: n for name, n in doubles.items() if n})


def expected_for(documents: int) -> dict[str, int]:
    """What `documents` good inputs (one file each) imply once a chain has finished: each stored, embedded
    (`vectors`: documents holding a vector) and matched once."""
    return {"submissions": documents, "documents": documents, "matched": documents, "vectors": documents,
            "sessions": documents}


def stage_progress(engine: Engine, kind: str = "resume") -> dict[str, int]:
    """Records each chain stage has committed so far: where a run is, read from the database alone."""
    with engine.connect() as conn:
        records = conn.scalar(sa.text("SELECT count(*) FROM source_records WHERE kind = :kind"), {"kind": kind})
        status = dict(conn.execute(sa.text("SELECT status, count(*) FROM documents WHERE kind = :kind "
                                           "GROUP BY status"), {"kind": kind}).all())
    return {"fetch": records,
            "parse": sum(n for s, n in status.items() if s != "received"),
            "embed": status.get("embedded", 0) + status.get("matched", 0),
            "save": status.get("matched", 0)}
