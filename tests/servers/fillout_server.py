"""A real HTTP server on localhost that speaks Fillout's REST API, with fault injection.

Stdlib only (ThreadingHTTPServer in a thread), so it starts in milliseconds:

    with FilloutServer() as server:
        server.add_submissions("candForm", [candidate_submission(i) for i in range(5)])
        client = FilloutClient(server.api_key, base_url=server.base_url)

It implements GET /v1/api/forms, /v1/api/forms/{id} and /v1/api/forms/{id}/submissions
(Bearer auth, limit/offset, afterDate/beforeDate, sort, status, totalResponses, pageCount)
and serves uploaded files at /files/<name>?sig=<signature>.

Faults, consumed in order by the next API requests: `fail_next` (status + Retry-After),
`delay_next` (sleep past the client's timeout), `truncate_next` (half a JSON body with a
matching Content-Length, as a truncating proxy sends), `drop_next` (connection closed
mid-body), `garbage_next`; `before_request(n, fn)` runs fn before the n-th API request
is answered (e.g. insert a submission mid-pagination). Per-file faults are options of
`add_file`. Every request is recorded in `requests` (method, path, query, time).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

API_PREFIX = "/v1/api"
BASE_TIME = datetime(2024, 5, 1, 9, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    time: float  # time.monotonic() when the request line was read
    authorized: bool


@dataclass
class ServedFile:
    content: bytes
    sig: str
    content_type: str = "application/pdf"
    status: int = 200
    fail_times: int = 0  # this many 500s before the file is served
    redirect_to: str | None = None
    chunked: bool = False  # no Content-Length: the client cannot know the size up front


@dataclass
class _Fault:
    kind: str  # status | delay | truncate | drop | garbage
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    body: bytes = b""


@dataclass
class _Form:
    name: str
    questions: list[dict[str, Any]]
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (status, submission)


class FilloutServer:
    """See the module docstring; thread-safe for one test at a time."""

    def __init__(self, api_key: str | None = None, host: str = "127.0.0.1") -> None:
        self.api_key = api_key or "fo_test_" + secrets.token_hex(16)
        self.host = host
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, ServedFile] = {}
        self._forms: dict[str, _Form] = {}
        self._faults: deque[_Fault] = deque()
        self._hooks: dict[int, Callable[[FilloutServer], None]] = {}
        self._api_count = 0
        self.file_delay_s = 0.0  # every file download waits this long first (a slow file host)
        self._lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FilloutServer:
        handler = type("Handler", (_Handler,), {"app": self})
        self._httpd = _QuietServer((self.host, 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fillout-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FilloutServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.origin + API_PREFIX

    # ------------------------------------------------------------ data

    def add_form(self, form_id: str, name: str = "", questions: list[dict[str, Any]] | None = None) -> None:
        with self._lock:
            self._forms.setdefault(form_id, _Form(name or form_id, questions or []))

    def add_submissions(self, form_id: str, subs: list[dict[str, Any]], status: str = "finished") -> None:
        with self._lock:
            self.add_form(form_id)
            form = self._forms[form_id]
            form.rows.extend((status, sub) for sub in subs)
            if not form.questions and subs:
                form.questions = [
                    {k: q.get(k) for k in ("id", "name", "type")} for q in subs[0].get("questions", [])
                ]

    def delete_submission(self, form_id: str, submission_id: str) -> None:
        with self._lock:
            form = self._forms[form_id]
            form.rows = [(s, row) for s, row in form.rows if row.get("submissionId") != submission_id]

    def submission_ids(self, form_id: str, status: str | None = "finished") -> list[str]:
        with self._lock:
            return [row["submissionId"] for s, row in self._sorted(form_id) if status is None or s == status]

    def add_file(
        self,
        name: str,
        content: bytes,
        *,
        content_type: str = "application/pdf",
        status: int = 200,
        fail_times: int = 0,
        redirect_to: str | None = None,
        chunked: bool = False,
        host: str | None = None,
    ) -> str:
        """Serve `content` at /files/<name>; returns its signed URL (on `host`, default 127.0.0.1)."""
        sig = secrets.token_urlsafe(24)
        with self._lock:
            self.files[name] = ServedFile(
                content, sig, content_type, status, fail_times, redirect_to, chunked
            )
        return self.file_url(name, host=host)

    def file_url(self, name: str, host: str | None = None) -> str:
        served = self.files[name]
        return f"http://{host or self.host}:{self.port}/files/{quote(name)}?sig={served.sig}&expires=3600"

    # ------------------------------------------------------------ faults

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self._lock:
            self._faults.extend(_Fault("status", status=status, headers=headers) for _ in range(times))

    def delay_next(self, seconds: float, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(_Fault("delay", seconds=seconds) for _ in range(times))

    def truncate_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(_Fault("truncate") for _ in range(times))

    def drop_next(self, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(_Fault("drop") for _ in range(times))

    def garbage_next(self, body: bytes, times: int = 1) -> None:
        with self._lock:
            self._faults.extend(_Fault("garbage", body=body) for _ in range(times))

    def before_request(self, n: int, fn: Callable[[FilloutServer], None]) -> None:
        """Run fn(server) just before the n-th API request (1-based) is answered."""
        self._hooks[n] = fn

    # ------------------------------------------------------------ records

    def api_requests(self, path_suffix: str = "") -> list[RecordedRequest]:
        with self._lock:
            return [
                r for r in self.requests if r.path.startswith(API_PREFIX) and r.path.endswith(path_suffix)
            ]

    def file_requests(self) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith("/files/")]

    # ------------------------------------------------------------ request handling (server threads)

    def _sorted(self, form_id: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self._forms[form_id].rows
        return sorted(rows, key=lambda r: (r[1].get("submissionTime", ""), r[1].get("submissionId", "")))

    def _next_api_fault(self) -> _Fault | None:
        with self._lock:
            self._api_count += 1
            hook = self._hooks.pop(self._api_count, None)
            fault = self._faults.popleft() if self._faults else None
        if hook is not None:
            hook(self)
        return fault

    def _list_submissions(self, form_id: str, query: dict[str, str]) -> tuple[int, Any]:
        try:
            limit = int(query.get("limit", "150"))
            offset = int(query.get("offset", "0"))
            after = _parse_time(query["afterDate"]) if "afterDate" in query else None
            before = _parse_time(query["beforeDate"]) if "beforeDate" in query else None
        except ValueError:
            return 400, {"error": "bad parameter"}
        sort = query.get("sort", "asc")
        status = query.get("status", "finished")
        if not 1 <= limit <= 150 or offset < 0 or sort not in ("asc", "desc"):
            return 400, {"error": "limit must be 1..150, offset >= 0, sort asc|desc"}
        if status not in ("finished", "in_progress"):
            return 400, {"error": "status must be finished or in_progress"}
        with self._lock:
            rows = [row for s, row in self._sorted(form_id) if s == status]
        if after is not None:
            rows = [r for r in rows if _parse_time(r["submissionTime"]) > after]
        if before is not None:
            rows = [r for r in rows if _parse_time(r["submissionTime"]) < before]
        if sort == "desc":
            rows.reverse()
        page = rows[offset : offset + limit]
        if query.get("includeEditLink") == "true":
            page = [{**r, "editLink": f"https://forms.fillout.com/edit/{r['submissionId']}"} for r in page]
        return 200, {
            "responses": page,
            "totalResponses": len(rows),
            "pageCount": math.ceil(len(rows) / limit),
        }

    def _route_api(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        parts = path[len(API_PREFIX) :].strip("/").split("/")
        with self._lock:
            forms = dict(self._forms)
        if parts == ["forms"]:
            return 200, [{"name": f.name, "formId": fid, "id": i} for i, (fid, f) in enumerate(forms.items())]
        if len(parts) >= 2 and parts[0] == "forms":
            form = forms.get(parts[1])
            if form is None:
                return 404, {"error": "form not found"}
            if len(parts) == 2:
                return 200, {
                    "id": parts[1],
                    "name": form.name,
                    "questions": form.questions,
                    "calculations": [],
                }
            if len(parts) == 3 and parts[2] == "submissions":
                return self._list_submissions(parts[1], query)
        return 404, {"error": "no such route"}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # clients hanging up is normal here
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    app: FilloutServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output quiet

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        authorized = self.headers.get("Authorization") == f"Bearer {self.app.api_key}"
        with self.app._lock:
            self.app.requests.append(RecordedRequest("GET", split.path, query, time.monotonic(), authorized))
        try:
            if split.path.startswith("/files/"):
                self._serve_file(split.path[len("/files/") :], query)
            elif split.path.startswith(API_PREFIX):
                self._serve_api(split.path, query, authorized)
            else:
                self._send_json(404, {"error": "not found"})
        except ConnectionError:
            self.close_connection = True  # the client gave up (timeout): nothing to do

    def _serve_api(self, path: str, query: dict[str, str], authorized: bool) -> None:
        fault = self.app._next_api_fault()
        if fault is not None and fault.kind == "status":
            self._send_json(fault.status, {"error": f"injected {fault.status}"}, fault.headers)
            return
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        if not authorized:
            self._send_json(401, {"error": "Unauthorized", "message": "invalid API key"})
            return
        status, payload = self.app._route_api(path, query)
        body = json.dumps(payload).encode()
        if fault is not None and fault.kind == "truncate":
            self._send_raw(status, body[: len(body) // 2], "application/json")
        elif fault is not None and fault.kind == "drop":
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault is not None and fault.kind == "garbage":
            self._send_raw(status, fault.body, "application/json")
        else:
            self._send_raw(status, body, "application/json")

    def _serve_file(self, name: str, query: dict[str, str]) -> None:
        if self.app.file_delay_s:
            time.sleep(self.app.file_delay_s)
        with self.app._lock:
            served = self.app.files.get(unquote(name))
            if served is not None and served.fail_times > 0:
                served.fail_times -= 1
                failing = True
            else:
                failing = False
        if served is None:
            self._send_json(404, {"error": "no such file"})
        elif query.get("sig") != served.sig:
            self._send_json(403, {"error": "bad signature"})
        elif failing:
            self._send_json(500, {"error": "injected 500"})
        elif served.redirect_to:
            self.send_response(302)
            self.send_header("Location", served.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif served.status != 200:
            self._send_json(served.status, {"error": f"status {served.status}"})
        elif served.chunked:
            self.send_response(200)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(served.content), 64 * 1024):
                chunk = served.content[start : start + 64 * 1024]
                self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._send_raw(200, served.content, served.content_type)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json", headers)

    def _send_raw(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ---------------------------------------------------------------- submission factories


def fillout_time(moment: datetime) -> str:
    """Fillout's timestamp format: 2024-05-16T23:20:05.324Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def question(name: str, qtype: str, value: Any, qid: str | None = None) -> dict[str, Any]:
    """One answered question; ids are stable per name, like a real form's."""
    return {
        "id": qid or hashlib.sha1(name.encode()).hexdigest()[:6],
        "name": name,
        "type": qtype,
        "value": value,
    }


def submission(
    questions: list[dict[str, Any]],
    *,
    index: int = 0,
    submitted_at: datetime | None = None,
    sub_id: str | None = None,
) -> dict[str, Any]:
    moment = submitted_at or BASE_TIME + timedelta(minutes=index)
    return {
        "submissionId": sub_id or f"sub-{index:05d}",
        "submissionTime": fillout_time(moment),
        "lastUpdatedAt": fillout_time(moment + timedelta(seconds=3)),
        "questions": questions,
        "calculations": [],
        "urlParameters": [{"id": "utm_source", "name": "utm_source", "value": "linkedin"}],
    }


_FIRST = ["Anna", "Boris", "Chen", "Dana", "Emil", "Fatima", "Georg", "Hana", "Ivan", "Julia"]
_LAST = ["Ivanova", "Smith", "Li", "Kowalski", "Müller", "Haddad", "Novak", "Sato", "Petrov", "García"]
_CITIES = [("Berlin", "Germany"), ("Warsaw", "Poland"), ("Lisbon", "Portugal"), ("Almaty", "Kazakhstan")]
_ROLES = ["Backend Engineer", "Data Scientist", "Product Manager", "DevOps Engineer", "QA Engineer"]
_SKILLS = ["Python", "PostgreSQL", "Kubernetes", "Machine Learning", "Go", "React", "SQL", "Docker"]


def candidate_submission(
    index: int = 0,
    *,
    resume_urls: list[str] | None = None,
    submitted_at: datetime | None = None,
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A realistic candidate-form submission (names match config/fillout_mapping.toml)."""
    first, last = _FIRST[index % len(_FIRST)], _LAST[(index * 3) % len(_LAST)]
    city, country = _CITIES[index % len(_CITIES)]
    urls = (
        resume_urls
        if resume_urls is not None
        else [f"https://files.fillout.example/resume-{index}.pdf?sig=s{index}"]
    )
    questions = [
        question("Full name", "ShortAnswer", f"{first} {last}"),
        question("Email", "EmailInput", f"{first.lower()}.{index}@example.com"),
        question("Phone number", "PhoneNumber", f"+49 151 {1000000 + index:07d}"),
        question("City", "ShortAnswer", city),
        question("Country", "Dropdown", country),
        question("Salary expectation", "ShortAnswer", f"{60 + index}-{80 + index}k EUR"),
        question(
            "Desired role", "MultiSelect", [_ROLES[index % len(_ROLES)], _ROLES[(index + 1) % len(_ROLES)]]
        ),
        question("Industries", "Checkboxes", ["Fintech", "E-commerce"]),
        question("Skills", "MultiSelect", [_SKILLS[(index + k) % len(_SKILLS)] for k in range(4)]),
        question("Motivation", "LongAnswer", "I want to build reliable data products with a strong team."),
        question("Cover letter", "LongAnswer", "Dear hiring team,\nI have six years of backend experience."),
        question(
            "Upload your CV",
            "FileUpload",
            [{"url": u, "filename": f"cv-{index}-{n}.pdf"} for n, u in enumerate(urls)],
        ),
        question("Date of birth", "DatePicker", f"{1985 + index % 15}-0{1 + index % 9}-15"),
        question("Education", "Dropdown", "Master's degree"),
        question("Anything we should know?", "LongAnswer", "Available from next month."),
        question("Favourite emoji", "HoloPicker", {"glyph": "🚀"}),  # a type matchflow does not know
    ]
    return submission(
        questions + (extra or []), index=index, submitted_at=submitted_at, sub_id=f"cand-{index:05d}"
    )


def company_submission(
    index: int = 0,
    *,
    jobs: int = 2,
    jd_urls: list[str] | None = None,
    submitted_at: datetime | None = None,
) -> dict[str, Any]:
    """A realistic company-form submission with `jobs` numbered job blocks ("Job title", "Job 2 title"...)."""
    questions = [
        question("Company name", "ShortAnswer", f"Acme {index} GmbH"),
        question("Company website", "URLInput", f"https://acme{index}.example"),
        question("Industry", "Dropdown", "Fintech"),
        question("Contact person", "ShortAnswer", "Maria Schmidt"),
        question("Work email", "EmailInput", f"hr{index}@acme.example"),
        question("Phone", "PhoneNumber", "+49 30 1234567"),
    ]
    for j in range(1, jobs + 1):
        label = "Job" if j == 1 else f"Job {j}"
        url = (
            (jd_urls or [])[j - 1]
            if jd_urls and j <= len(jd_urls)
            else f"https://files.fillout.example/jd-{index}-{j}.pdf"
        )
        questions += [
            question(f"{label} title", "ShortAnswer", _ROLES[(index + j) % len(_ROLES)]),
            question(
                f"{label} description", "LongAnswer", "We build payment infrastructure. You will own APIs."
            ),
            question(f"{label} description file", "FileUpload", [{"url": url, "filename": f"jd-{j}.pdf"}]),
            question(f"{label} location", "ShortAnswer", "Berlin"),
            question(f"Work format {j}" if j > 1 else "Work format", "MultipleChoice", "Hybrid"),
            question(f"Salary range {j}" if j > 1 else "Salary range", "ShortAnswer", "70 000 - 90 000 EUR"),
            question(f"Employment type ({j})", "Dropdown", "Full-time"),
        ]
    return submission(questions, index=index, submitted_at=submitted_at, sub_id=f"comp-{index:05d}")
