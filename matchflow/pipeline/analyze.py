"""Analyze stage (step 6): match scoring and skills gap per match; sentiment of a query resume's answers.

Pure computation over the batch (no database), so it runs wherever the batch is.
"""

from __future__ import annotations

import time

from matchflow.analysis.match_scoring import score_match
from matchflow.analysis.sentiment import analyze_sentiment
from matchflow.analysis.skills_extraction import skills_gap
from matchflow.domain import DocumentKind
from matchflow.pipeline.batch import MatchBatch


def analyze_matches(batch: MatchBatch, *, redact_explanations: bool = True) -> MatchBatch:
    """Step 6: match scoring and skills gap per match; sentiment of a query resume's free-text answers."""
    started = time.perf_counter()
    for query_id, ranked in batch.ranked.items():
        results, analyses = [], []
        for match, pair in ranked:
            analysis = score_match(match, pair, redact_personal_data=redact_explanations)
            resume_id, job_id = int(match.resume_id), int(match.job_id)
            target_id = job_id if batch.chain.target_kind is DocumentKind.JOB else resume_id
            gap = skills_gap(pair.resume.fields.skills, pair.job.fields.required_skills,
                             pair.job.fields.nice_to_have_skills, redact_evidence=redact_explanations)
            results.append({
                "rank": match.rank, "resume_document_id": resume_id, "job_document_id": job_id,
                "candidate_id": batch.owners[resume_id][0], "job_id": batch.owners[job_id][1],
                "score": float(analysis.score), "reverse_score": float(analysis.reverse_score),
                "retrieval_score": batch.similarity.get((query_id, target_id)), "features": match.features,
                "explanation": {"reasons": analysis.reasons, "matched_skills": analysis.matched_skills,
                                "missing_skills": analysis.missing_required_skills,
                                "missing_nice_skills": analysis.missing_nice_skills,
                                "band": analysis.band, "breakdown": analysis.breakdown},
            })
            analyses.append({"rank": match.rank, "analysis_type": "match_scoring",
                             "implementation": analysis.implementation, "result": analysis.model_dump(mode="json")})
            analyses.append({"rank": match.rank, "analysis_type": "skills_extraction",
                             "implementation": "taxonomy", "result": gap.model_dump(mode="json")})
        resume_query = batch.chain.query_kind is DocumentKind.RESUME
        for question, text in batch.answers.get(query_id, {}).items() if resume_query else ():
            sentiment = analyze_sentiment(text)
            analyses.append({"document_id": query_id, "analysis_type": "sentiment_analysis",
                             "implementation": "lexicon",
                             "result": {"question": question, **sentiment.model_dump(mode="json")}})
        batch.results[query_id], batch.analyses[query_id] = results, analyses
    batch.timings["analyze_s"] = time.perf_counter() - started
    return batch
