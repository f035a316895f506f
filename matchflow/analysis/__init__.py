"""AI analysis of matches (pipeline step 6): match scoring, skills extraction, sentiment.

The implementations here run on CPU with rules and lexicons, so step 6 always produces a result;
a heavier model-based implementation (on the GPU pool) plugs in by satisfying `Analyzer`, and
every result records the `implementation` that produced it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from matchflow.analysis.match_scoring import MatchAnalysis, MatchScoringAnalyzer, score_match
from matchflow.analysis.sentiment import Sentiment, SentimentAnalyzer, analyze_sentiment
from matchflow.analysis.skills_extraction import SkillsGap, SkillsGapAnalyzer, skills_gap


@runtime_checkable
class Analyzer(Protocol):
    """One kind of analysis: `name` is the seed's analysis type, `implementation` what computed it."""

    name: str
    implementation: str
    analyze: Callable[..., BaseModel]


def default_analyzers() -> dict[str, Analyzer]:
    """The CPU analyzers by name: match_scoring, skills_extraction, sentiment."""
    analyzers: list[Analyzer] = [MatchScoringAnalyzer(), SkillsGapAnalyzer(), SentimentAnalyzer()]
    return {a.name: a for a in analyzers}


__all__ = [
    "Analyzer",
    "MatchAnalysis",
    "MatchScoringAnalyzer",
    "Sentiment",
    "SentimentAnalyzer",
    "SkillsGap",
    "SkillsGapAnalyzer",
    "analyze_sentiment",
    "default_analyzers",
    "score_match",
    "skills_gap",
]
