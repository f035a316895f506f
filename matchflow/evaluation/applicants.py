"""The Russian applicant-retrieval set: every dev vacancy against all dev resumes, with two relevances.

    applied   the resumes that applied to this vacancy (its confirmed + failed ones, hire or not)
    family    the resumes whose role family (role_families.toml) is the vacancy's

Built from the raw talent_match_ru records and rendered with the hire evaluation's own renderers, so both
sets read the same texts. Nothing here touches the database; `applicant_runner.py` ingests and ranks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matchflow.evaluation.datasets import render_resume, render_vacancy, require
from matchflow.evaluation.role_families import RoleFamilies, load_role_families

RELEVANCES = ("applied", "family")
TALENT_MATCH_DEV = "talent_match_ru/dev.json"


@dataclass(frozen=True)
class ApplicantResume:
    key: str  # the first uuid seen for this text
    text: str
    family: str | None
    applied_to: frozenset[str]  # vacancy keys


@dataclass(frozen=True)
class ApplicantVacancy:
    key: str  # the vacancy's uuid
    title: str
    text: str
    family: str | None


@dataclass(frozen=True)
class ApplicantSet:
    vacancies: list[ApplicantVacancy]
    resumes: list[ApplicantResume]  # deduplicated: by uuid, then by rendered text

    def relevant(self, vacancy: ApplicantVacancy, relevance: str) -> set[str]:
        """Resume keys relevant to the vacancy under `relevance` ("applied" or "family")."""
        if relevance == "applied":
            return {r.key for r in self.resumes if vacancy.key in r.applied_to}
        if relevance == "family":
            return {r.key for r in self.resumes if vacancy.family is not None and r.family == vacancy.family}
        raise ValueError(f"unknown relevance {relevance!r}; expected one of {RELEVANCES}")

    def family_sizes(self) -> dict[str, int]:
        """Resumes per role family ("-" for none): how much each family relevance has to find."""
        sizes: dict[str, int] = {}
        for resume in self.resumes:
            sizes[resume.family or "-"] = sizes.get(resume.family or "-", 0) + 1
        return dict(sorted(sizes.items()))


def positions(resume: dict[str, Any]) -> list[str]:
    """The resume's position titles, latest start first (a few records list them out of order)."""
    items = [e for e in resume.get("experienceItem") or [] if str(e.get("position") or "").strip()]
    items.sort(key=lambda e: str(e.get("starts") or ""), reverse=True)  # stable; undated ones last
    return [" ".join(str(e["position"]).split()) for e in items]


def _text_key(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def build_applicant_set(records: list[dict[str, Any]], families: RoleFamilies) -> ApplicantSet:
    """Vacancies and their deduplicated resumes; a resume met twice keeps every vacancy it applied to.

    Deduplicated by uuid and by rendered text: the pipeline stores identical texts once, and a resume that
    counted twice would be two relevant targets where a ranker can return only one.
    """
    vacancies: list[ApplicantVacancy] = []
    first: dict[str, dict[str, Any]] = {}  # dedup key -> {"key", "text", "family", "applied"}
    alias: dict[str, str] = {}  # uuid -> dedup key
    for record in records:
        vacancy = record["vacancy"]
        title = " ".join(str(vacancy.get("name") or "").split())
        vacancies.append(ApplicantVacancy(key=str(vacancy["uuid"]), title=title, text=render_vacancy(vacancy),
                                          family=families.of_vacancy(title)))
        for resume in [*(record.get("confirmed_resumes") or []), *(record.get("failed_resumes") or [])]:
            uuid = str(resume["uuid"])
            if uuid not in alias:
                text = render_resume(resume)
                alias[uuid] = _text_key(text)
                first.setdefault(alias[uuid], {"key": uuid, "text": text, "family": families.of_resume(
                    positions(resume)), "applied": set()})
            first[alias[uuid]]["applied"].add(str(vacancy["uuid"]))
    resumes = [ApplicantResume(key=r["key"], text=r["text"], family=r["family"], applied_to=frozenset(r["applied"]))
               for r in first.values()]
    return ApplicantSet(vacancies=vacancies, resumes=resumes)


def applicant_set(data_dir: Path, *, file: str = TALENT_MATCH_DEV,
                  families: RoleFamilies | None = None) -> ApplicantSet:
    """The set from `<data_dir>/<file>` with the families of role_families.toml (or the ones given)."""
    records = json.loads(require(data_dir / file).read_text(encoding="utf-8"))
    return build_applicant_set(records, families or load_role_families())
