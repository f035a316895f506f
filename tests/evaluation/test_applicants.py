"""The applicant-retrieval set on small synthetic records: families, deduplication, relevances, scores, tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matchflow.evaluation.applicant_runner import score_rankings, score_vacancy
from matchflow.evaluation.applicants import applicant_set, build_applicant_set, positions
from matchflow.evaluation.cli import eval_app
from matchflow.evaluation.ranker_names import RANKERS
from matchflow.evaluation.report import applicant_tables, tables_of, to_markdown
from matchflow.evaluation.role_families import load_role_families

FAMILIES = load_role_families()


def test_every_dev_vacancy_title_has_the_family_written_for_it():
    # the 9 titles of talent_match_ru/dev.json, as role_families.toml lists them
    expected = {"Ведущий/ Главный аналитик DWH": "analyst", 'Аналитик DWH "Hadoop"': "analyst",
                "Аналитик DWH": "analyst", "Java developer": "java", "DevOps": "devops",
                "ETL Разработчик (ДИР)": "data_engineer", "Android разработчик": "mobile",
                "Руководитель группы разработки": "dev_lead", "Frontend Developer": "frontend"}
    assert {title: FAMILIES.of_vacancy(title) for title in expected} == expected
    assert FAMILIES.of_vacancy("Бухгалтер") is None


@pytest.mark.parametrize(("position", "family"), [
    ("Team Lead Java", "dev_lead"),  # the earlier family wins a tie
    ("Android Java developer", "mobile"),
    ("JavaScript-разработчик", "frontend"),  # not java
    ("Java-разработчик", "java"),
    ("Ведущий бизнес-аналитик", "analyst"),
    ("Инженер DevOps", "devops"),
    ("Разработчик хранилищ данных", "data_engineer"),
    ("Кассир", None),
])
def test_a_position_gets_the_first_family_that_names_it(position: str, family: str | None):
    assert FAMILIES.of_position(position) == family


def test_a_resume_takes_the_family_of_its_latest_position_that_names_one():
    assert FAMILIES.of_resume(["Ведущий специалист", "Java-разработчик", "Системный аналитик"]) == "java"
    assert FAMILIES.of_resume(["Менеджер", "Кассир"]) is None
    assert FAMILIES.of_resume([]) is None


def test_bad_family_files_are_refused(tmp_path: Path):
    bad = tmp_path / "families.toml"
    for text in ('[[family]]\nname = "x"\nvacancy = []\nresume = ["a"]\n',  # no vacancy pattern
                 '[[family]]\nname = "x"\nvacancy = ["a"]\nresume = ["a"]\nextra = 1\n',  # unknown key
                 '[[family]]\nname = "x"\nvacancy = ["a"]\nresume = ["a"]\n'
                 '[[family]]\nname = "x"\nvacancy = ["b"]\nresume = ["b"]\n'):  # duplicate name
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError):
            load_role_families(bad)


def _resume(uuid: str, *jobs: tuple[str, str], skills: str = "SQL") -> dict:
    return {"uuid": uuid, "first_name": "Имя", "last_name": "Фамилия", "key_skills": skills,
            "experienceItem": [{"starts": starts, "ends": None, "employer": "ООО", "city": "Москва",
                                "position": position, "description": None} for starts, position in jobs]}


RECORDS = [
    {"vacancy": {"uuid": "v-java", "name": "Java developer", "keywords": None},
     "confirmed_resumes": [_resume("r-1", ("2021-01-01", "Java-разработчик"))],
     "failed_resumes": [_resume("r-2", ("2019-01-01", "Системный аналитик"), ("2022-01-01", "Тимлид"))]},
    {"vacancy": {"uuid": "v-dwh", "name": "Аналитик DWH", "keywords": "SQL"},
     "confirmed_resumes": [_resume("r-3", ("2020-01-01", "Аналитик данных"))],
     # r-1 applied to both; r-4 is r-3 again under another uuid (same rendered text)
     "failed_resumes": [_resume("r-1", ("2021-01-01", "Java-разработчик")),
                        _resume("r-4", ("2020-01-01", "Аналитик данных")),
                        _resume("r-5", ("2018-01-01", "Java developer"), skills="Java")]},
    {"vacancy": {"uuid": "v-hr", "name": "Бухгалтер", "keywords": None}, "confirmed_resumes": [],
     "failed_resumes": []},
]


def test_positions_are_read_latest_first():
    assert positions(RECORDS[0]["failed_resumes"][0]) == ["Тимлид", "Системный аналитик"]
    assert positions({"experienceItem": [{"position": "  "}, {"position": "QA"}]}) == ["QA"]


def test_the_set_holds_each_resume_once_with_every_vacancy_it_applied_to():
    built = build_applicant_set(RECORDS, FAMILIES)
    assert [v.family for v in built.vacancies] == ["java", "analyst", None]
    by_key = {r.key: r for r in built.resumes}
    assert sorted(by_key) == ["r-1", "r-2", "r-3", "r-5"]  # r-4 repeats r-3's text
    assert by_key["r-1"].applied_to == {"v-java", "v-dwh"}
    assert by_key["r-3"].applied_to == {"v-dwh"}
    assert by_key["r-2"].family == "dev_lead"  # the latest position, not the first listed
    assert "Имя" not in by_key["r-1"].text  # rendered as the hire evaluation renders (no names)
    assert built.family_sizes() == {"analyst": 1, "dev_lead": 1, "java": 2}


def test_relevance_is_the_vacancy_own_applicants_or_its_role_family():
    built = build_applicant_set(RECORDS, FAMILIES)
    java, dwh, other = built.vacancies
    assert built.relevant(java, "applied") == {"r-1", "r-2"}
    assert built.relevant(dwh, "applied") == {"r-1", "r-3", "r-5"}
    assert built.relevant(java, "family") == {"r-1", "r-5"}  # r-5 applied elsewhere, and is a Java developer
    assert built.relevant(dwh, "family") == {"r-3"}
    assert built.relevant(other, "applied") == set() and built.relevant(other, "family") == set()
    with pytest.raises(ValueError):
        built.relevant(java, "hired")


def test_applicant_set_reads_the_file_under_the_data_folder(tmp_path: Path):
    (tmp_path / "talent_match_ru").mkdir()
    (tmp_path / "talent_match_ru" / "dev.json").write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    assert len(applicant_set(tmp_path).resumes) == 4


def test_score_vacancy_by_hand():
    scored = score_vacancy([1, 2, 3], {1, 3, 9}, k=2)
    assert scored["precision"] == 0.5
    assert scored["ndcg"] == pytest.approx(1 / (1 + 1 / 1.5849625007211563))
    assert score_vacancy([1, 2], set(), k=10) == {"precision": None, "ndcg": None}


def test_score_rankings_gives_a_row_per_vacancy_and_macro_means():
    built = build_applicant_set(RECORDS, FAMILIES)
    vacancy_doc = {"v-java": 100, "v-dwh": 101, "v-hr": 102}
    resume_doc = {"r-1": 1, "r-2": 2, "r-3": 3, "r-5": 5}
    perfect = {100: [1, 2, 5, 3], 101: [1, 3, 5, 2], 102: [1, 2, 3, 5]}
    scored = score_rankings(built, {name: perfect for name in RANKERS}, vacancy_doc, resume_doc, k=2)
    applied = scored["applied"]["pipeline"]
    assert [r["relevant"] for r in applied["per_vacancy"]] == [2, 3, 0]
    assert [r["precision"] for r in applied["per_vacancy"]] == [1.0, 1.0, None]
    assert applied["mean"] == {"precision": 1.0, "ndcg": 1.0, "vacancies": 2}
    family = scored["family"]["bm25"]
    assert [r["family"] for r in family["per_vacancy"]] == ["java", "analyst", None]
    assert [r["precision"] for r in family["per_vacancy"]] == [0.5, 0.5, None]  # 1 and 5 / 3 at rank 2
    assert 0.0 <= family["mean"]["ndcg"] <= 1.0


def test_applicant_report_renders_a_summary_and_a_table_per_relevance():
    built = build_applicant_set(RECORDS, FAMILIES)
    ranking = {100: [5, 1], 101: [3, 2], 102: []}
    report = {"dataset": "applicants", "k": 2, "searchable_resumes": 4,
              "relevances": score_rankings(built, {n: ranking for n in RANKERS},
                                           {"v-java": 100, "v-dwh": 101, "v-hr": 102},
                                           {"r-1": 1, "r-2": 2, "r-3": 3, "r-5": 5}, k=2)}
    tables = applicant_tables(report)
    assert tables_of(report) == tables
    assert len(tables) == 3
    assert [row[0] for row in tables[0].rows] == ["relevant = applied to this vacancy", "relevant = same role family"]
    assert [row[0] for row in tables[1].rows] == ["V1", "V2", "V3", "**mean**"]
    assert tables[2].rows[2][2:4] == ["-", "0"]  # no family, nothing relevant
    assert "| V1 | Java developer | java | 2 |" in to_markdown(tables[1])


def test_cli_applicants_says_clearly_when_the_data_folder_is_absent(tmp_path: Path):
    result = CliRunner().invoke(eval_app, ["applicants", "--data", str(tmp_path / "nowhere"),
                                           "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_eval_all_runs_the_applicant_set_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import matchflow.evaluation.cli as cli

    ran: list[str] = []
    monkeypatch.setattr(cli, "_run", lambda what, *args, **kwargs: ran.append(what) or {"dataset": what})
    monkeypatch.setattr(cli, "_emit", lambda reports, **kwargs: None)
    result = CliRunner().invoke(eval_app, ["all", "--data", str(tmp_path), "--home", str(tmp_path / "eval")])
    assert result.exit_code == 0, result.output
    assert ran == ["categories", "hires", "applicants"]
