"""Inflected Russian skill and role phrases hit their canonical entries (issue 16, item 5).

The phrases marked "dev" are copied from resumes in talent_match_ru/dev.json (short phrases, no personal data);
the ones marked "lemma" were missed by the suffix rule alone (its stem changes, or the rule cut the wrong ending)
and are found by the lemma pass.
"""

from __future__ import annotations

import pytest

from matchflow.taxonomy import Skill, SkillMatcher, canonical_role, canonical_skill, find_alias_conflicts
from matchflow.taxonomy.aliases import lemma_key
from matchflow.taxonomy.matchers import RoleMatcher
from matchflow.taxonomy.morphology import alias_lemma, is_abbreviation, readings, text_lemma


def skills(text: str) -> list[str]:
    return [hit.skill for hit in SkillMatcher.default().find(text)]


def roles(text: str) -> list[str]:
    return RoleMatcher.default().find(text)


@pytest.mark.parametrize(("text", "skill"), [
    ("базами данных", "Databases"),
    ("опыт работы с базами данных", "Databases"),
    ("Работа с базами данных (SQL, PostgreSQL)", "Databases"),  # dev
    ("Cистемы управления базами данных", "Databases"),  # dev, with a Latin "C"
    ("разработчиком Java", "Java"),
    ("работал разработчиком Python", "Python"),
    ("Проведение ревью кода", "Code review"),  # dev
    ("План-факторный анализ расходов направления, согласование закупок", "Procurement"),  # dev, lemma
    ("автоматизация выгрузок и почтовых рассылок отчетов", "Email marketing"),  # dev, lemma
    ("если решение проблемы или ее части находится в зоне", "Problem solving"),  # dev, lemma
    ("работаем по скраму", "Scrum"),  # dev, lemma
    ("Обеспечение высокого уровня сервиса и поддержки", "Service level management"),  # dev, lemma
    ("В свободное время пою в хоре", "Music"),  # dev, lemma (a 3-letter alias word)
])
def test_inflected_skill_phrases_hit_their_entry(text: str, skill: str):
    assert skill in skills(text)


@pytest.mark.parametrize(("text", "role"), [
    ("разработчиком Java", "Backend Developer"),
    ("работал разработчиком Python", "Backend Developer"),
    ("Имею опыт работы BI аналитиком и дата инженером", "Data Analyst"),  # dev
    ("Имею опыт работы BI аналитиком и дата инженером", "Data Engineer"),  # dev
    ("в команде, где до этого был разработчиком", "Software Engineer"),  # dev
    ("Работал с системным архитектором над проектированием", "Solutions Architect"),  # dev
    ("работал владельцем продукта", "Product Manager"),  # lemma: владелец -> владельцем
])
def test_inflected_role_phrases_hit_their_entry(text: str, role: str):
    assert role in roles(text)


def test_whole_inflected_phrases_have_a_canonical_name():
    assert canonical_role("разработчиком Java") == "Backend Developer"
    assert canonical_role("Java-разработчиком") == "Backend Developer"
    assert canonical_role("владельцем продукта") == "Product Manager"
    assert canonical_skill("базами данных") == "Databases"
    assert canonical_skill("закупок") == "Procurement"
    assert canonical_skill("уровня сервиса") == "Service level management"


def test_spans_point_at_the_inflected_words():
    text = "Опыт: согласование закупок, распределение списаний"
    [hit] = [h for h in SkillMatcher.default().find(text) if h.skill == "Procurement"]
    assert text[hit.start:hit.end] == "закупок"


def test_lemmas_do_not_reach_other_words():
    assert "Electronic health records" not in skills("ТулГУ, Механики и систем управления (МиСУ)")  # dev: not МИС
    assert "Git" not in skills("Играю на гитаре")
    assert roles("ведет проекты") == []  # a verb is not a form of "ведущий"


def test_morphology_reads_nominal_lemmas_only():
    assert readings("владельцем") == ("владелец",)
    assert readings("разработок") == ("разработка",)
    assert readings("встраиваемых") == ("встраиваемый",)  # a participle keeps its own lemma, not the verb's
    assert readings("работал") == ()  # verbs have no nominal reading
    assert alias_lemma("аналитика") == "аналитика"  # a dictionary form stays itself (not "аналитик")
    assert alias_lemma("java") == "java"
    assert text_lemma("аналитиком", {"аналитик"}) == "аналитик"
    assert text_lemma("базами", {"база"}) == "база" and text_lemma("базами", set()) == "базами"
    assert is_abbreviation("МиСУ") and is_abbreviation("СУБД") and not is_abbreviation("Базами")


def test_english_aliases_have_no_lemma_key():
    assert lemma_key("Java developer") is None
    assert lemma_key("SQL-запросы") == " sql запрос "
    assert lemma_key("МИС") == " мис "  # an abbreviation stays as written


def test_the_conflict_check_sees_aliases_that_share_lemmas():
    clashing = [Skill("F", "x", ("владелец продукта",)), Skill("G", "x", ("владельца продукта",))]
    assert find_alias_conflicts(clashing) == [("владелец продукта", ["F", "G"])]
