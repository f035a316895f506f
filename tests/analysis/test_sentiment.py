"""The lexicon sentiment scorer on clear English and Russian answers, negation and intensifiers."""

from __future__ import annotations

import pytest

from matchflow.analysis import lexicon
from matchflow.analysis.sentiment import analyze_sentiment, lexicon_conflicts, text_language, word_valence


@pytest.mark.parametrize(
    ("text", "label", "language"),
    [
        ("I am really excited about this role and I love building reliable systems with a great team.",
         "positive", "en"),
        ("Thank you for the opportunity; I would be glad and proud to join.", "positive", "en"),
        ("My current job is awful: toxic management, constant overtime, and I feel exhausted.",
         "negative", "en"),
        ("I am disappointed and frustrated with the chaos in my team.", "negative", "en"),
        ("I have five years of experience with Python and PostgreSQL.", "neutral", "en"),
        ("Мне очень нравится ваша компания, я рад возможности работать с отличной командой!",
         "positive", "ru"),
        ("Интересные задачи и дружный коллектив меня вдохновляют.", "positive", "ru"),
        ("Я устал от токсичной атмосферы и постоянных переработок, это ужасно.", "negative", "ru"),
        ("Руководство было некомпетентным, работа скучная и бессмысленная.", "negative", "ru"),
        ("Я работаю backend-разработчиком пять лет в Москве.", "neutral", "ru"),
    ],
)
def test_clear_sentences(text: str, label: str, language: str) -> None:
    result = analyze_sentiment(text)
    assert result.label == label, result
    assert result.language == language
    assert -1.0 <= result.score <= 1.0
    assert result.implementation == "cpu-lexicon"


@pytest.mark.parametrize(
    ("plain", "negated"),
    [
        ("I am happy with the project.", "I am not happy with the project."),
        ("The team was bad.", "The team was not bad."),
        ("I enjoy routine work.", "I don't enjoy routine work."),
        ("Мне нравится эта работа.", "Мне не нравится эта работа."),
        ("Работа плохая.", "Работа не плохая."),
        ("Я уверен в этом проекте.", "Я не уверен в этом проекте."),
        ("Работа с интересными задачами.", "Работа без интересных задач."),
    ],
)
def test_negation_flips_the_sign(plain: str, negated: str) -> None:
    before, after = analyze_sentiment(plain), analyze_sentiment(negated)
    assert before.score * after.score < 0, (before, after)
    assert abs(after.score) <= abs(before.score)


def test_intensifiers_and_softeners() -> None:
    base = analyze_sentiment("The project was interesting.").score
    assert analyze_sentiment("The project was very interesting.").score > base
    assert 0 < analyze_sentiment("The project was slightly interesting.").score < base
    ru_base = analyze_sentiment("Проект интересный.").score
    assert analyze_sentiment("Проект очень интересный.").score > ru_base > 0


def test_contrast_makes_the_second_clause_count_more() -> None:
    assert analyze_sentiment("The salary was bad, but the team is great.").label == "positive"
    assert analyze_sentiment("The team is great, but the salary was bad.").label == "negative"
    assert analyze_sentiment("Команда хорошая, но зарплата плохая.").label == "negative"


def test_inflected_russian_forms_match_the_lexicon() -> None:
    for form in ("отличный", "отличная", "отличные", "отлично", "отличной"):
        assert word_valence(form) > 0, form
    for form in ("скучный", "скучная", "скучно"):
        assert word_valence(form) < 0, form
    assert word_valence("ради") == 0.0  # not "рад" (glad)
    assert word_valence("любой") == 0.0  # not "любить" (love)


def test_language_is_read_from_the_script_unless_given() -> None:
    assert text_language("Очень рад!") == "ru"
    assert text_language("Glad to apply") == "en"
    assert analyze_sentiment("Очень рад!").language == "ru"
    assert analyze_sentiment("Glad", language="ru").language == "ru"


def test_empty_and_deterministic() -> None:
    empty = analyze_sentiment("")
    assert (empty.label, empty.score, empty.hits) == ("neutral", 0.0, 0)
    text = "I love the product, but the process is chaotic."
    assert analyze_sentiment(text) == analyze_sentiment(text)


def test_lexicon_is_consistent_and_large_enough() -> None:
    assert lexicon_conflicts() == {"en": set(), "ru": set()}
    english = (lexicon.EN_POSITIVE + lexicon.EN_POSITIVE_STRONG + lexicon.EN_NEGATIVE
               + lexicon.EN_NEGATIVE_STRONG).split()
    russian = (lexicon.RU_POSITIVE + lexicon.RU_POSITIVE_STRONG + lexicon.RU_NEGATIVE
               + lexicon.RU_NEGATIVE_STRONG).split()
    assert len(set(english)) >= 300 and len(set(russian)) >= 300
    positive = set((lexicon.EN_POSITIVE + lexicon.EN_POSITIVE_STRONG + lexicon.RU_POSITIVE
                    + lexicon.RU_POSITIVE_STRONG).split())
    negative = set((lexicon.EN_NEGATIVE + lexicon.EN_NEGATIVE_STRONG + lexicon.RU_NEGATIVE
                    + lexicon.RU_NEGATIVE_STRONG).split())
    assert positive.isdisjoint(negative)
