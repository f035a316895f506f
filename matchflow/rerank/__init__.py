"""Rerank the pairs the vector search found (pipeline step 5), with features that need no extra model.

Each resume-job pair gets seven features in [0, 1] (semantic similarity, IDF-weighted required
skill coverage, nice-to-have coverage, title, experience vs seniority, location, salary); the
score is their weighted sum with the weights in `matchflow.scoring.DEFAULT_WEIGHTS` or the user's
own. Unknown inputs score `NEUTRAL` (0.5) so a missing salary neither helps nor hurts.

An optional cross-encoder (any sentence-transformers `CrossEncoder`) reads both texts together and
is blended in with `cross_encoder_weight`; it is the heavier, GPU-friendly path.

Modules, one concept each:

    sides.py          ResumeSide, JobSide, MatchPair (inputs) and RerankedMatch (output)
    skills.py         skill IDF, coverage and the matched/missing comparison
    titles.py         title similarity and the job's seniority
    experience.py     years vs the level asked for
    location.py       city and work mode (rules shared via textrules and taxonomy.places)
    salary.py         expected vs offered pay
    features.py       the seven features of a pair
    cross_encoder.py  the optional cross-encoder
    ranking.py        rerank(): score and order
"""

from matchflow.rerank.cross_encoder import CrossEncoderScorer
from matchflow.rerank.experience import experience_fit
from matchflow.rerank.features import compute_features, semantic_score
from matchflow.rerank.location import location_fit
from matchflow.rerank.ranking import rerank
from matchflow.rerank.salary import annual_range, salary_fit
from matchflow.rerank.sides import JobSide, MatchPair, RerankedMatch, ResumeSide
from matchflow.rerank.skills import SkillComparison, compare_skills, compute_skill_idf, skill_coverage
from matchflow.rerank.titles import infer_seniority, title_similarity
from matchflow.taxonomy.places import city_part, normalise_city
from matchflow.textrules.work_mode import answer_work_mode as remote_mode

__all__ = [
    "CrossEncoderScorer",
    "JobSide",
    "MatchPair",
    "RerankedMatch",
    "ResumeSide",
    "SkillComparison",
    "annual_range",
    "city_part",
    "compare_skills",
    "compute_features",
    "compute_skill_idf",
    "experience_fit",
    "infer_seniority",
    "location_fit",
    "normalise_city",
    "remote_mode",
    "rerank",
    "salary_fit",
    "semantic_score",
    "skill_coverage",
    "title_similarity",
]
