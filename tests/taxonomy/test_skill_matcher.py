"""SkillMatcher on tricky English and Russian texts: tokens with symbols, strict words, inflection, spans."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchflow.taxonomy import SkillMatcher, canonical_skill, load_skills


@pytest.fixture(scope="module")
def matcher() -> SkillMatcher:
    return SkillMatcher.default()


def names(matcher: SkillMatcher, text: str) -> list[str]:
    return [hit.skill for hit in matcher.find(text)]


def test_symbol_tokens(matcher: SkillMatcher) -> None:
    text = "Stack: C++, C#, .NET, Node.js, ASP.NET Core and C/C++ firmware; F# on the side."
    found = names(matcher, text)
    assert found[:4] == ["C++", "C#", ".NET", "Node.js"]
    assert {"ASP.NET", "C", "F#"} <= set(found)
    assert "JavaScript" not in found, "JS must not match inside Node.js"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("JavaScript and TypeScript", {"JavaScript", "TypeScript"}, {"Java"}),
        ("PostgreSQL, MySQL and NoSQL stores", {"PostgreSQL", "MySQL", "NoSQL"}, {"SQL"}),
        ("Worked with Java 11 and SQL", {"Java", "SQL"}, set()),
        ("Go developer, 5 years", {"Go"}, set()),
        ("Backend in Golang and Python", {"Go", "Python"}, set()),
        ("I will go to the store and go home.", set(), {"Go"}),
        ("Go to the store first. Let's go!", set(), {"Go"}),
        ("Skills: java, go, sql", {"Go", "Java", "SQL"}, set()),
        ("Statistics in R and Python", {"R", "Python"}, set()),
        ("Led R&D; met John R. Smith; section R of the form", {"Research"}, {"R"}),
        ("Vitamin C, C-level executives, c/o the office, grade C", set(), {"C"}),
        ("I excel at customer service", {"Customer service"}, {"Microsoft Excel"}),
        ("Advanced Excel and pivot tables", {"Microsoft Excel"}, set()),
        ("A solid background; the rest of the team", set(), {"SOLID", "REST API"}),
        ("SOLID principles and REST services", {"SOLID", "REST API"}, set()),
        ("Kotlin, Room, Retrofit", {"Kotlin", "Room (Android)", "Retrofit (Android)"}, set()),
        ("Booked a room for the retreat", set(), {"Room (Android)"}),
        ("SQL Server and PL/SQL", {"Microsoft SQL Server", "PL/SQL"}, {"SQL"}),
        ("React Native apps", {"React Native"}, {"React"}),
        ("CI/CD with GitLab CI", {"CI/CD", "GitLab CI"}, set()),
    ],
)
def test_boundaries_and_strict_words(matcher: SkillMatcher, text: str, present: set, absent: set) -> None:
    found = set(names(matcher, text))
    assert present <= found, f"missing {present - found} in {found}"
    assert not (absent & found), f"unexpected {absent & found}"


def test_russian_aliases_and_inflection(matcher: SkillMatcher) -> None:
    text = (
        "Опыт управления проектами, уверенное знание постгреса и питона, 1С:Предприятие 8.3, "
        "ведение бухгалтерского учёта, работа с базами данных, написание ТЗ."
    )
    found = names(matcher, text)
    assert found == ["Project management", "PostgreSQL", "Python", "1C", "Accounting", "Databases",
                     "Technical documentation"]  # fmt: skip
    assert names(matcher, "управлением проектов и бухучётом") == ["Project management", "Accounting"]


def test_russian_stems_do_not_swallow_other_words(matcher: SkillMatcher) -> None:
    # "гит" (git) is short, so it matches exactly: "гитара" (guitar) is not Git; "график работы" is no art.
    assert "Git" not in names(matcher, "Играю на гитаре")
    assert "Fine arts" not in names(matcher, "График работы: 5/2")
    assert "Git" in names(matcher, "Git и гит-флоу, CI/CD")


def test_spans_and_evidence_point_into_the_text(matcher: SkillMatcher) -> None:
    text = "İİ Summary\n\nExperienced   with  machine\nlearning and Postgres. ManagementÂ\xa0 Python, Docker"
    hits = matcher.find(text)
    assert [h.skill for h in hits] == ["Machine learning", "PostgreSQL", "Python", "Docker"]
    for hit in hits:
        fragment = text[hit.start : hit.end]
        assert canonical_skill(fragment) == hit.skill
        assert " ".join(fragment.split()) in hit.evidence
        assert len(hit.evidence) <= len(" ".join(fragment.split())) + 2 * 31
        assert hit.category
    assert text[hits[0].start : hits[0].end] == "machine\nlearning"


def test_one_hit_per_skill_at_first_occurrence_and_counts(matcher: SkillMatcher) -> None:
    text = "Python here. Later python again, and питон too. SQL once."
    hits = matcher.find(text)
    assert [h.skill for h in hits] == ["Python", "SQL"]
    assert hits[0].start == 0
    assert matcher.counts(text) == {"Python": 3, "SQL": 1}


def test_multi_word_matches_do_not_cross_list_breaks(matcher: SkillMatcher) -> None:
    assert "STEM education" not in names(matcher, "Computer Science, Education")
    assert "Retail sales" not in {h.evidence for h in matcher.find("retail, sales")}
    assert names(matcher, "retail, sales") == ["Retail", "Sales"]


def test_empty_and_plain_texts(matcher: SkillMatcher) -> None:
    assert matcher.find("") == []
    assert matcher.find("The quick brown fox jumps over the lazy dog.") == []


def test_default_is_built_once_and_exposes_skills() -> None:
    assert SkillMatcher.default() is SkillMatcher.default()
    assert len(SkillMatcher.default().skills) == len(load_skills()) >= 500


def test_custom_dictionary_with_strict_and_list_only_aliases(tmp_path) -> None:
    path = tmp_path / "skills.csv"
    path.write_text(
        "name,category,aliases_en,aliases_ru\n"
        "Widgeting,craft,=Widget|widget making,виджетостроение\n"
        "Spring Framework,backend,~Spring|Spring Boot,\n",
        encoding="utf-8",
    )
    matcher = SkillMatcher(load_skills(path))
    assert names(matcher, "Widget and spring flowers") == ["Widgeting"]
    assert names(matcher, "a widget in spring") == []
    assert names(matcher, "Java, spring, widget making") == ["Spring Framework", "Widgeting"]
    assert names(matcher, "опыт в виджетостроении") == ["Widgeting"]
    assert matcher.canonical("Spring Boot") == "Spring Framework"


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Postgres", "PostgreSQL"), ("psql", "PostgreSQL"), ("постгрес", "PostgreSQL"), ("Python3", "Python"),
        ("питон", "Python"), ("golang", "Go"), ("go", "Go"), ("C#", "C#"), ("c++", "C++"),
        ("K8s", "Kubernetes"),
        ("1С:Предприятие", "1C"), ("управления проектами", "Project management"), ("бухучет", "Accounting"),
        ("MS Excel", "Microsoft Excel"), ("Node.JS", "Node.js"),
    ],
)  # fmt: skip
def test_canonical_skill(alias: str, canonical: str) -> None:
    assert canonical_skill(alias) == canonical


@pytest.mark.parametrize("unknown", ["", "   ", "flux capacitor tuning", "Python and Java", "the"])
def test_canonical_skill_unknown(unknown: str) -> None:
    assert canonical_skill(unknown) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["C++", "Go", "R", "питон", "управления", "проектами", ".NET", "excel", "SQL", "node.js"]
        )
        | st.text(max_size=8),
        max_size=12,
    ).map(" ".join)
)
def test_any_text_gives_in_bounds_spans_that_name_their_skill(text: str) -> None:
    matcher = SkillMatcher.default()
    hits = matcher.find(text)
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end].strip() == text[hit.start : hit.end]
    assert len({h.skill for h in hits}) == len(hits)
    assert sum(matcher.counts(text).values()) >= len(hits)
