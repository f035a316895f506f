"""Synthetic but realistic resumes, jobs and Fillout submissions for the scale benchmark, and a server for them.

    python bench/scale_corpus.py generate --root /tmp/mf-scale/corpus --resumes 10000 --jobs 200
    python bench/scale_corpus.py serve --root /tmp/mf-scale/corpus --resumes 1000   # prints one JSON line

Everything is a pure function of (seed, index), so a corpus is generated once and grows by index: the
first 1,000 resumes of a 10,000 corpus are the 1,000 corpus. Texts are built from the project's own
dictionaries (storage/seed: roles, skills, industries, locations) with sections a parser expects
(contacts, summary, experience, education, skills, languages); half are .txt, a quarter .docx (a minimal
OOXML package written directly: python-docx takes 35 ms a file) and a quarter .pdf (fpdf2, core font).

`serve` runs tests/servers/fillout_server.py (the local server that speaks Fillout's REST API) in its own
process, so the files it holds in memory never count in the measured chain's memory.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import secrets
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # tests.servers lives in the repository, not in the installed package

from matchflow.taxonomy import Entry, load_industries, load_locations, load_roles, load_skills  # noqa: E402

SEED = 20240501
FORM_ID = "candForm"
FORMATS = ("txt", "txt", "docx", "pdf")  # by index % 4
BASE_TIME = datetime(2024, 5, 1, 9, 0, 0, tzinfo=UTC)

FIRST = ["Anna", "Boris", "Chen", "Dana", "Emil", "Fatima", "Georg", "Hana", "Ivan", "Julia", "Karim", "Lena",
         "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Ximena",
         "Yusuf", "Zoe", "Aleksei", "Bianca", "Carlos", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kira", "Luca", "Maya", "Noah"]
LAST = ["Ivanova", "Smith", "Li", "Kowalski", "Muller", "Haddad", "Novak", "Sato", "Petrov", "Garcia", "Rossi",
        "Jensen", "Okafor", "Silva", "Nguyen", "Schmidt", "Dubois", "Kaya", "Larsen", "Moreau", "Fischer", "Costa",
        "Berg", "Tanaka", "Wojcik", "Popescu", "Horvat", "Lindqvist", "Oliveira", "Yilmaz", "Brown", "Keller",
        "Sokolova", "Andersen", "Ferreira", "Nowak", "Kim", "Patel", "Romero", "Weber"]
COMPANY_WORDS = ["Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Tyrell", "Soylent", "Cyberdyne",
                 "Aperture", "Monarch", "Oscorp", "Blue Harbor", "Redwood", "Silverline", "Brightpath", "Ironclad",
                 "Keystone", "Lumen", "Nimbus", "Orbit", "Pioneer", "Quartz", "Summit"]
COMPANY_SUFFIX = ["Labs", "Systems", "GmbH", "Group", "Digital", "Solutions", "Ltd", "Inc", "Partners", "Technologies"]
UNIVERSITIES = ["Technical University of Munich", "University of Warsaw", "KTH Royal Institute of Technology",
                "University of Lisbon", "Charles University", "ETH Zurich", "University of Amsterdam",
                "Politecnico di Milano", "University of Toronto", "Moscow State University", "TU Delft"]
DEGREES = ["Bachelor of Science", "Master of Science", "Bachelor of Arts", "Master of Arts", "MBA", "PhD"]
FIELDS = ["Computer Science", "Economics", "Mathematics", "Business Administration", "Physics", "Statistics",
          "Marketing", "Mechanical Engineering", "Finance", "Information Systems", "Design", "Law"]
LANGUAGES = ["German (B2)", "Spanish (C1)", "French (B1)", "Russian (native)", "Polish (native)", "Portuguese (C1)",
             "Italian (B2)", "Turkish (native)", "Chinese (native)", "Dutch (B1)"]
SUMMARIES = [
    "{role} with {years} years of experience in {industry}, focused on {s0} and {s1}.",
    "Results-driven {role} who has spent {years} years building reliable work with {s0}, {s1} and {s2}.",
    "I am a {role} with a background in {industry}; day to day I work with {s0} and {s1}.",
    "{years}+ years as a {role}. Strong in {s0}, comfortable with {s1}, curious about {s2}.",
    "Experienced {role} ({years} years) who enjoys mentoring, clear writing and {s0}.",
    "{role} in {industry} since {since}; known for pragmatic delivery with {s0} and {s1}.",
]
BULLETS = [
    "Built and maintained {what} using {s0} and {s1}.",
    "Reduced {metric} by {pct}% by introducing {s0}.",
    "Led a team of {team} people delivering {what} on time.",
    "Introduced {s0} practices that cut onboarding time by {pct}%.",
    "Owned {what} end to end, from requirements to production, with {s0}.",
    "Worked closely with stakeholders to improve {metric} using {s1}.",
    "Migrated {what} to {s0}, with zero downtime.",
    "Trained {team} colleagues in {s1} and documented the process.",
    "Designed reporting on {metric} with {s0}; adopted by {team} teams.",
    "Handled {num} requests a month with {s0} while keeping quality high.",
]
WHATS = ["the customer platform", "internal tools", "the billing process", "the onboarding flow", "core services",
         "the analytics pipeline", "the supplier network", "quarterly planning", "the public website",
         "the mobile app", "field operations", "the data warehouse", "the support desk"]
METRICS = ["costs", "turnaround time", "error rates", "churn", "lead time", "response time", "defects", "waste"]
MOTIVATIONS = ["I want to grow as a {role} in a team that values {s0}.",
               "Your mission resonates with me and I would love to bring my {s0} experience.",
               "I am looking for a place where I can own {what} and learn {s1}.",
               "After {years} years in {industry} I want a bigger challenge."]
COVER = ["Dear hiring team,\nI have {years} years of experience as a {role} and would be glad to talk.",
         "Hello,\nplease find my CV attached. I work mostly with {s0} and {s1}.",
         "Dear recruiter,\nI am applying for {role} positions in {city} or remote."]
RESPONSIBILITIES = ["Own {what} and its roadmap.", "Work with {s0} every day.", "Mentor junior colleagues.",
                    "Collaborate with product, design and operations.", "Improve {metric} quarter over quarter.",
                    "Write clear documentation and share knowledge.", "Take part in planning and reviews."]
BENEFITS = ["30 days of paid vacation", "Learning budget of 1,500 EUR a year", "Flexible hours",
            "Hybrid work from our {city} office", "Company pension plan", "Health insurance"]
WORK_FORMATS = ["Remote", "Hybrid", "On-site"]

# Which skill categories a role family draws from (role families without an entry use their own name).
SKILL_FAMILIES = {
    "it": ["backend", "frontend", "programming_language", "database", "devops", "cloud", "web", "testing", "mobile",
           "tools", "methodology", "security", "systems", "networking", "engineering_it"],
    "data": ["data", "data_ml", "database", "programming_language", "tools", "cloud"],
    "management": ["management", "methodology", "business_analysis", "soft_skills", "office"],
    "business_development": ["business_development", "sales", "crm", "marketing"],
    "consulting": ["business_analysis", "management", "finance", "office"],
    "general": ["office", "soft_skills", "administration"],
    "public_relations": ["public_relations", "marketing", "digital_media"],
}
ROLE_FAMILY_WEIGHT = {"it": 8, "data": 4}  # a tech-leaning recruiting agency; other families weigh 1


@dataclass(frozen=True)
class Dictionaries:
    roles: list[Entry]
    role_weights: list[int]
    skills_by_category: dict[str, list[Entry]]
    industries: list[Entry]
    cities: list[Entry]

    @classmethod
    def load(cls) -> Dictionaries:
        roles = load_roles()
        by_category: dict[str, list[Entry]] = {}
        for skill in load_skills():
            by_category.setdefault(skill.category, []).append(skill)
        cities = [loc for loc in load_locations() if loc.category]  # not "Remote"
        return cls(roles, [ROLE_FAMILY_WEIGHT.get(r.category, 1) for r in roles], by_category, load_industries(),
                   cities)

    def skill_pool(self, role: Entry) -> list[Entry]:
        families = SKILL_FAMILIES.get(role.category, [role.category])
        pool = [s for family in families for s in self.skills_by_category.get(family, [])]
        return pool or self.skills_by_category["soft_skills"]


_DICTS: Dictionaries | None = None


def dictionaries() -> Dictionaries:
    global _DICTS
    if _DICTS is None:
        _DICTS = Dictionaries.load()
    return _DICTS


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _say(skill: Entry, rng: random.Random) -> str:
    """A skill as a person writes it: mostly the canonical name, sometimes an English alias."""
    english = [a for a in skill.aliases_en if not a.startswith("=") and a.isascii()]
    return rng.choice(english) if english and rng.random() < 0.25 else skill.name


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIX)}"


@dataclass(frozen=True)
class Resume:
    index: int
    name: str
    email: str
    phone: str
    city: str
    country: str
    role: str
    industry: str
    skills: list[str]
    salary: tuple[int, int]
    years: int
    lines: list[str]
    motivation: str
    cover_letter: str
    education: str

    @property
    def fmt(self) -> str:
        return FORMATS[self.index % len(FORMATS)]

    @property
    def filename(self) -> str:
        return f"cv-{self.index:05d}.{self.fmt}"


def resume(index: int, seed: int = SEED) -> Resume:
    """Resume number `index`: the same for the same (seed, index), whatever else was generated."""
    d = dictionaries()
    rng = random.Random(seed * 1_000_003 + index)
    role = rng.choices(d.roles, weights=d.role_weights)[0]
    pool = d.skill_pool(role)
    skills = rng.sample(pool, k=min(len(pool), rng.randint(6, 12)))
    said = [_say(s, rng) for s in skills]
    said += [_say(s, rng) for s in rng.sample(d.skills_by_category["soft_skills"], k=2)]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    email = f"{first.lower()}.{last.lower()}.{index}@example.com"
    phone = f"+49 151 {10_000_000 + index:08d}"
    city_entry = rng.choice(d.cities)
    city, country = city_entry.name, city_entry.category
    industry = rng.choice(d.industries).name
    years = rng.randint(1, 20)
    title = role.name if rng.random() < 0.7 or not role.aliases_en else rng.choice(role.aliases_en).title()
    fill = {"role": title, "years": years, "industry": industry, "since": 2024 - years, "city": city,
            "s0": said[0], "s1": said[1 % len(said)], "s2": said[2 % len(said)], "what": rng.choice(WHATS)}
    lines = [name, f"{title} | {city}, {country}", f"{email} | {phone}", "", "Summary",
             rng.choice(SUMMARIES).format(**fill), "", "Experience"]
    end = 2024
    for _ in range(rng.randint(2, 4)):
        start = end - rng.randint(1, 5)
        lines.append(f"{title} - {_company(rng)}, {rng.choice(d.cities).name} ({start} - {end})")
        for template in rng.sample(BULLETS, k=rng.randint(2, 4)):
            lines.append("- " + template.format(what=rng.choice(WHATS), metric=rng.choice(METRICS),
                                                pct=rng.randint(5, 60), team=rng.randint(2, 12),
                                                num=rng.randint(50, 900), s0=rng.choice(said), s1=rng.choice(said)))
        end = start
    education = f"{rng.choice(DEGREES)} in {rng.choice(FIELDS)}"
    lines += ["", "Education", f"{education}, {rng.choice(UNIVERSITIES)}, {end - rng.randint(0, 3)}", "",
              "Skills", ", ".join(said), "", "Languages", f"English (fluent), {rng.choice(LANGUAGES)}"]
    low = rng.randint(30, 120)
    return Resume(index=index, name=name, email=email, phone=phone, city=city, country=country, role=role.name,
                  industry=industry, skills=[s.name for s in skills[:6]], salary=(low, low + rng.randint(5, 40)),
                  years=years, lines=[_latin(line) for line in lines],
                  motivation=rng.choice(MOTIVATIONS).format(**fill), cover_letter=rng.choice(COVER).format(**fill),
                  education=education)


def job_lines(index: int, seed: int = SEED) -> list[str]:
    """Job description number `index` (title first, then sections a job parser expects)."""
    d = dictionaries()
    rng = random.Random(seed * 7_919 + 500_000 + index)
    role = rng.choices(d.roles, weights=d.role_weights)[0]
    pool = d.skill_pool(role)
    required = rng.sample(pool, k=min(len(pool), rng.randint(4, 7)))
    nice = [s for s in rng.sample(pool, k=min(len(pool), 4)) if s not in required][:3]
    company, city = _company(rng), rng.choice(d.cities)
    industry = rng.choice(d.industries).name
    low = rng.randint(40, 110) * 1000
    fill = {"what": rng.choice(WHATS), "metric": rng.choice(METRICS), "s0": required[0].name, "city": city.name}
    lines = [role.name, f"{company} - {city.name}, {rng.choice(WORK_FORMATS)}", "", "About",
             f"{company} works in {industry}, a company with {rng.randint(20, 5000)} employees.", "",
             "Responsibilities"]
    lines += ["- " + r.format(**fill) for r in rng.sample(RESPONSIBILITIES, k=4)]
    lines += ["", "Requirements", f"- {rng.randint(1, 8)}+ years of experience as a {role.name}"]
    lines += [f"- {s.name}" for s in required]
    if nice:
        lines += ["", "Nice to have"] + [f"- {s.name}" for s in nice]
    lines += ["", "Benefits", f"- Salary {low:,} - {low + rng.randint(10, 40) * 1000:,} EUR per year"]
    lines += ["- " + b.format(**fill) for b in rng.sample(BENEFITS, k=3)]
    return [_latin(line) for line in lines]


# ------------------------------------------------------------------------------------------------ file formats

_ZIP_TIME = (2024, 5, 1, 9, 0, 0)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>')


def docx_bytes(lines: list[str], headings: set[str]) -> bytes:
    """A minimal but valid .docx: one paragraph per line, headings in bold."""
    paragraphs = []
    for line in lines:
        bold = "<w:rPr><w:b/></w:rPr>" if line in headings else ""
        paragraphs.append(f'<w:p><w:r>{bold}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + "".join(paragraphs) + "</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), text)
    return buffer.getvalue()


def pdf_bytes(lines: list[str], headings: set[str]) -> bytes:
    """A text PDF in a core font (no font embedding: 3 ms a file)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 5, 1, tzinfo=UTC))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for line in lines:
        pdf.set_font("helvetica", style="B" if line in headings else "", size=12 if line in headings else 10)
        if line:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    return bytes(pdf.output())


RESUME_HEADINGS = {"Summary", "Experience", "Education", "Skills", "Languages"}


def resume_file(item: Resume) -> bytes:
    if item.fmt == "docx":
        return docx_bytes(item.lines, RESUME_HEADINGS)
    if item.fmt == "pdf":
        return pdf_bytes(item.lines, RESUME_HEADINGS)
    return ("\n".join(item.lines) + "\n").encode()


def generate(root: Path, resumes: int, jobs: int, seed: int = SEED) -> dict[str, int]:
    """Write the files that are not there yet; returns how many of each were written."""
    (root / "resumes").mkdir(parents=True, exist_ok=True)
    (root / "jobs").mkdir(parents=True, exist_ok=True)
    written = {"resumes": 0, "jobs": 0}
    for index in range(resumes):
        item = resume(index, seed)
        path = root / "resumes" / item.filename
        if not path.exists():
            path.write_bytes(resume_file(item))
            written["resumes"] += 1
    for index in range(jobs):
        path = root / "jobs" / f"job-{index:04d}.txt"
        if not path.exists():
            path.write_text("\n".join(job_lines(index, seed)) + "\n")
            written["jobs"] += 1
    return written


# ------------------------------------------------------------------------------------------------ Fillout


def submission_time(index: int, interval_min: float) -> datetime:
    return BASE_TIME + timedelta(minutes=interval_min * index)


def candidate_submission(item: Resume, url: str, submitted_at: datetime) -> dict:
    """The candidate form's submission for a resume (question names of config/fillout_mapping.toml)."""
    from tests.servers.fillout_server import question, submission

    questions = [
        question("Full name", "ShortAnswer", item.name),
        question("Email", "EmailInput", item.email),
        question("Phone number", "PhoneNumber", item.phone),
        question("City", "ShortAnswer", item.city),
        question("Country", "Dropdown", item.country),
        question("Salary expectation", "ShortAnswer", f"{item.salary[0]}-{item.salary[1]}k EUR"),
        question("Desired role", "MultiSelect", [item.role]),
        question("Industries", "Checkboxes", [item.industry]),
        question("Skills", "MultiSelect", item.skills),
        question("Motivation", "LongAnswer", item.motivation),
        question("Cover letter", "LongAnswer", item.cover_letter),
        question("Upload your CV", "FileUpload", [{"url": url, "filename": item.filename}]),
        question("Education", "Dropdown", item.education),
    ]
    return submission(questions, submitted_at=submitted_at, sub_id=f"scale-{item.index:05d}")


CONTENT_TYPES = {"txt": "text/plain", "pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def resigning_server(api_key: str):
    """The test server, but every listing hands out freshly signed file URLs, as Fillout does.

    Fillout's file URLs are signed and expire, so the same submission read twice carries different URLs;
    a run with nothing new must still see it as unchanged.
    """
    import itertools
    import re

    from tests.servers.fillout_server import FilloutServer

    class ResigningServer(FilloutServer):
        _listing = itertools.count(1)

        def _list_submissions(self, form_id: str, query: dict[str, str]) -> tuple[int, object]:
            status, payload = super()._list_submissions(form_id, query)
            if status != 200:
                return status, payload
            expires = f"expires={3600 + next(self._listing)}"
            text = re.sub(r"expires=\d+", expires, json.dumps(payload["responses"]))
            return status, {**payload, "responses": json.loads(text)}

    return ResigningServer(api_key=api_key)


def start_server(root: Path, resumes: int, interval_min: float, seed: int = SEED, resign: bool = True):
    """A running Fillout server holding `resumes` submissions whose files come from the generated corpus."""
    from tests.servers import fillout_server

    # headers and body go out in two writes: without TCP_NODELAY each response waits out the client's
    # delayed ACK (40 ms), which would time the test server, not matchflow
    fillout_server._Handler.disable_nagle_algorithm = True
    FilloutServer = fillout_server.FilloutServer  # noqa: N806
    api_key = "fo_bench_" + secrets.token_hex(12)
    server = (resigning_server(api_key) if resign else FilloutServer(api_key=api_key)).start()
    submissions = []
    for index in range(resumes):
        item = resume(index, seed)
        data = (root / "resumes" / item.filename).read_bytes()
        url = server.add_file(item.filename, data, content_type=CONTENT_TYPES[item.fmt])
        submissions.append(candidate_submission(item, url, submission_time(index, interval_min)))
    server.add_submissions(FORM_ID, submissions)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the corpus files (only the missing ones)")
    serve = sub.add_parser("serve", help="serve N submissions; prints one JSON line, runs until stdin closes")
    for command in (gen, serve):
        command.add_argument("--root", type=Path, required=True)
        command.add_argument("--resumes", type=int, required=True)
        command.add_argument("--seed", type=int, default=SEED)
    gen.add_argument("--jobs", type=int, default=200)
    serve.add_argument("--interval-min", type=float, default=30.0, help="minutes between submissions")
    serve.add_argument("--stable-urls", action="store_true", help="never re-sign file URLs (Fillout does)")
    args = parser.parse_args()
    if args.command == "generate":
        print(json.dumps(generate(args.root, args.resumes, args.jobs, args.seed)))  # noqa: T201
        return
    server = start_server(args.root, args.resumes, args.interval_min, args.seed, resign=not args.stable_urls)
    print(json.dumps({"base_url": server.base_url, "api_key": server.api_key, "form_id": FORM_ID,  # noqa: T201
                      "submissions": args.resumes,
                      "last_submission": submission_time(args.resumes - 1, args.interval_min).isoformat()}),
          flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin (or kills us)
    server.stop()


if __name__ == "__main__":
    main()
