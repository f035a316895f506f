"""Every model round-trips through the real database; vector search uses the per-model HNSW index."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import sqlalchemy as sa

from storage import models as m
from storage.db import session_scope
from storage.vectors import get_or_create_model, index_name, vector_expression


def _build_graph(session) -> dict[str, object]:
    """One row of every model, linked the way the pipeline links them."""
    skill = session.scalars(sa.select(m.Skill).limit(1)).one()
    role = session.scalars(sa.select(m.Role).limit(1)).one()
    industry = session.scalars(sa.select(m.Industry).limit(1)).one()
    location = session.scalars(sa.select(m.Location).limit(1)).one()
    stage = session.scalars(sa.select(m.HiringStage).order_by(m.HiringStage.position).limit(1)).one()

    record = m.SourceRecord(source="fillout", form_id="form1", external_id="sub-1", kind="resume",
                            payload={"submissionId": "sub-1", "questions": []}, payload_hash="a" * 64,
                            submitted_at=datetime(2026, 1, 2, tzinfo=UTC))
    stored = m.StoredFile(sha256="b" * 64, size=10, mime_type="application/pdf", original_name="cv.pdf",
                          storage_path="bb/bbbb")
    candidate = m.Candidate(full_name="Ada Example", email="ada@example.com", phone="+15550100",
                            birth_date=date(1990, 5, 1), identity_hash="c" * 64)
    session.add_all([record, stored, candidate])
    session.flush()
    submission = m.CandidateSubmission(candidate_id=candidate.id, source_record_id=record.id,
                                       answers={"motivation": "I love data"}, remote_preference="remote")
    company = m.Company(name="Acme", name_key="acme", industry_id=industry.id)
    session.add_all([submission, company])
    session.flush()
    session.execute(m.submission_skills.insert().values(submission_id=submission.id, skill_id=skill.id))
    session.execute(m.submission_roles.insert().values(submission_id=submission.id, role_id=role.id))
    session.execute(m.submission_industries.insert().values(submission_id=submission.id, industry_id=industry.id))
    session.execute(m.submission_locations.insert().values(submission_id=submission.id, location_id=location.id))
    job = m.Job(company_id=company.id, external_key="acme:1", title="Data Engineer", location_id=location.id,
                remote="hybrid", salary_min=100, salary_max=120, salary_currency="USD", seniority="senior")
    session.add_all([
        m.Address(candidate_id=candidate.id, city="Berlin", country="DE", location_id=location.id),
        m.Education(candidate_id=candidate.id, institution="TU", level="master", year_to=2014),
        m.SalaryExpectation(candidate_id=candidate.id, submission_id=submission.id, minimum=90, currency="USD"),
        m.Contact(company_id=company.id, name="Bob", email="bob@example.com"),
        job,
    ])
    session.flush()
    session.execute(m.job_roles.insert().values(job_id=job.id, role_id=role.id))
    session.execute(m.job_industries.insert().values(job_id=job.id, industry_id=industry.id))
    session.add(m.JobSkill(job_id=job.id, skill_id=skill.id, requirement="required"))
    resume = m.Document(kind="resume", candidate_id=candidate.id, submission_id=submission.id,
                        source_record_id=record.id, file_sha256=stored.sha256, file_hash=stored.sha256,
                        content_hash="d" * 64, metadata_hash="c" * 64, composite_hash="e" * 64, status="parsed",
                        text="Senior data engineer with PostgreSQL", language="en", text_search_config="english",
                        sections={"skills": "PostgreSQL"}, fields={"skills": [{"skill": skill.name}]})
    job_doc = m.Document(kind="job", job_id=job.id, file_hash="f" * 64, text="We need PostgreSQL engineers",
                         language="en", text_search_config="english", status="parsed")
    session.add_all([resume, job_doc, m.CustomValue(entity_type="candidate", entity_id=candidate.id,
                                                       key="favourite_color", value={"v": "green"})])
    session.flush()
    session.add(m.DocumentSkill(document_id=resume.id, skill_id=skill.id, evidence="PostgreSQL", span_start=29,
                                span_end=39))
    model = get_or_create_model(session=session, name="tiny", revision="r0", dimension=3)
    session.add(m.Embedding(document_id=resume.id, model_id=model.id, kind="resume",
                            embedding=np.array([0.1, 0.2, 0.3], dtype=np.float32)))
    run = m.PipelineRun(chain="chain-a", stats={"parse": {"documents": 1}})
    session.add(run)
    session.flush()
    match_session = m.MatchSession(pipeline_run_id=run.id, chain="chain-a", source_document_id=resume.id,
                                   parameters={"top_k": 10}, embed_model="mini@1", device="cpu")
    session.add(match_session)
    session.flush()
    result = m.MatchResult(session_id=match_session.id, rank=1, resume_document_id=resume.id,
                           job_document_id=job_doc.id, candidate_id=candidate.id, job_id=job.id, score=87.5,
                           explanation={"reasons": ["Has PostgreSQL"]})
    session.add(result)
    session.flush()
    job_candidate = m.JobCandidate(job_id=job.id, candidate_id=candidate.id, stage_id=stage.id,
                                   match_result_id=result.id)
    session.add_all([
        job_candidate,
        m.AnalysisResult(session_id=match_session.id, match_result_id=result.id, analysis_type="match_scoring",
                         result={"score": 87}),
        m.SourceSyncState(source="fillout", form_id="form1", watermark=datetime(2026, 1, 2, tzinfo=UTC)),
        m.GpuCheck(status="unavailable", pool="matchflow-gpu", detail={"workers": 0}),
        m.Bm25Term(kind="resume", term_id=12345, df=1),
    ])
    session.flush()
    session.add(m.CandidateAction(job_candidate_id=job_candidate.id, action="moved", stage_id=stage.id))
    return {"candidate": candidate.id, "resume": resume.id, "result": result.id}


def test_every_model_round_trips(engine):
    with session_scope(engine) as session:
        ids = _build_graph(session)
    with session_scope(engine) as session:
        for mapper in m.Base.registry.mappers:
            count = session.scalar(sa.select(sa.func.count()).select_from(mapper.class_))
            assert count >= 1, f"{mapper.class_.__name__} did not round-trip"
        for table in (m.submission_skills, m.submission_roles, m.submission_industries, m.submission_locations,
                      m.job_roles, m.job_industries):
            assert session.scalar(sa.select(sa.func.count()).select_from(table)) == 1, table.name
        candidate = session.get(m.Candidate, ids["candidate"])
        assert candidate.submissions[0].answers == {"motivation": "I love data"}
        resume = session.get(m.Document, ids["resume"])
        assert resume.sections == {"skills": "PostgreSQL"}
        assert session.get(m.MatchResult, ids["result"]).explanation == {"reasons": ["Has PostgreSQL"]}
        # the generated tsvector column uses the document's text search configuration (stemming)
        hit = session.scalar(sa.select(m.Document.id).where(
            m.Document.search_tsv.op("@@")(sa.func.plainto_tsquery("english", "engineers"))))
        assert hit is not None


def test_vector_search_uses_the_models_hnsw_index(engine):
    rng = np.random.default_rng(7)
    with session_scope(engine) as session:
        model = get_or_create_model(session=session, name="test-model", revision="r1", dimension=8)
        for i in range(300):
            doc = m.Document(kind="job", file_hash=f"{i:064d}", status="embedded")
            session.add(doc)
            session.flush()
            session.add(m.Embedding(document_id=doc.id, model_id=model.id, kind="job",
                                    embedding=rng.normal(size=8).astype(np.float32)))
        model_id = model.id
    query_vector = "[" + ",".join("1" for _ in range(8)) + "]"
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE embeddings"))
        # 300 rows are cheaper to sort exactly; forbid that to show the index serves this exact expression
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            conn.execute(sa.text(f"SET LOCAL {setting} = off"))
        explained = conn.execute(
            sa.text(f"EXPLAIN SELECT document_id FROM embeddings WHERE model_id = {int(model_id)} "  # noqa: S608
                    "AND kind = 'job' AND section = 'document' "
                    "ORDER BY (embedding::vector(8)) <=> CAST(:q AS vector(8)) LIMIT 5"),
            {"q": query_vector},
        )
        plan = "\n".join(row[0] for row in explained)
        assert index_name(model_id, "job") in plan, plan
        query = (sa.select(m.Embedding.document_id)
                 .where(m.Embedding.model_id == model_id, m.Embedding.kind == "job")
                 .order_by(vector_expression(8).cosine_distance(np.ones(8, dtype=np.float32))).limit(5))
        assert len(conn.execute(query).all()) == 5
