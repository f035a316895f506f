"""HTTP client for Fillout's REST API (step 0 of both chains).

One reused `httpx.Client` (connection pooling, explicit timeouts), a client-side rate
limiter below Fillout's 5 requests/second/key, and tenacity retries:

* retried: 429 (honouring Retry-After, seconds or HTTP date), 5xx, timeouts, connection
  errors - exponential backoff with jitter, at most `max_attempts` attempts;
* retried a couple of times, then `FilloutProtocolError`: bodies that are not the
  documented JSON (proxies truncate);
* never retried: 401/403 (`FilloutAuthError`), 404 (`FilloutNotFoundError`), other 4xx.

The API key lives only in the request's Authorization header (set by a private
`httpx.Auth`); reprs, logs and exception messages show it masked.

Pagination strategy (`iter_submissions`): Fillout pages by offset. We sort ascending by
submission time, so new submissions are appended at the end and do not move the rows
we have not read yet. Pages overlap by one row: each request starts at the last row of
the previous page (the "anchor"), and we check the anchor comes back first. If it does
not, rows were inserted or deleted before it while we paginated (a late-finishing
partial, a deleted spam row...), so rows may have shifted past us unseen: after the
pass we do another one (up to `_MAX_PASSES`), yielding only ids not seen yet in this
run. Every row is therefore yielded exactly once per run, and none is skipped unless
the form keeps changing for several passes (logged as a warning). Rows a re-scan pass
finds come after the others, so the caller must not assume strict time order; it
should commit the whole run before advancing its watermark.

Incremental runs: `after` is inclusive. Fillout's `afterDate` filter may be strict and
its time resolution is not documented, so we ask for `after - 1 s` and drop older rows
ourselves; rows exactly at the watermark come back again (store them idempotently by
submission id), but a row sharing the watermark's timestamp is never lost.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import httpx
from pydantic import ValidationError
from tenacity import RetryCallState, Retrying, stop_after_attempt

from matchflow.fillout.errors import (
    FilloutAuthError,
    FilloutClientError,
    FilloutConfigError,
    FilloutError,
    FilloutNotFoundError,
    FilloutProtocolError,
    FilloutRateLimitError,
    FilloutServerError,
    FilloutTransportError,
)
from matchflow.fillout.masking import excerpt, mask_secret, mask_text, mask_url
from matchflow.fillout.models import FilloutForm, FilloutFormSummary, FilloutSubmission

log = logging.getLogger(__name__)

REGIONS: dict[str, str] = {
    "us": "https://api.fillout.com/v1/api",
    "eu": "https://eu-api.fillout.com/v1/api",
    "ca": "https://ca-api.fillout.com/v1/api",
    "au": "https://au-api.fillout.com/v1/api",
}
DEFAULT_BASE_URL = REGIONS["us"]
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=30.0, write=30.0, pool=5.0)
MAX_PAGE_SIZE = 150
_PROTOCOL_ATTEMPTS = 3  # a malformed body is retried this many times in all, then raised
_MAX_PASSES = 3
_AFTER_LOOKBACK = timedelta(seconds=1)
_MAX_RETRY_AFTER_S = 600.0


def resolve_base_url(region_or_url: str) -> str:
    """Accept a region name (us, eu, ca, au) or any http(s) base URL."""
    value = region_or_url.strip()
    if value.lower().startswith(("http://", "https://")):
        return value.rstrip("/")
    key = value.lower().removesuffix("-api")
    if key in ("", "api"):
        key = "us"
    if key not in REGIONS:
        raise FilloutConfigError(f"unknown Fillout region {value!r}; use one of {sorted(REGIONS)} or a URL")
    return REGIONS[key]


class _BearerAuth(httpx.Auth):
    """Adds the key per request; its repr never shows the key."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        request.headers["Authorization"] = f"Bearer {self._api_key}"
        yield request

    def __repr__(self) -> str:
        return f"_BearerAuth({mask_secret(self._api_key)})"


class MinIntervalRateLimiter:
    """Keeps at least 1/rate seconds between request starts (a token bucket of size 1).

    Hand-written: a dozen lines, and the usual libraries are async-only or sleep globally.
    Thread-safe, so one client may be shared by threads.
    """

    def __init__(
        self,
        max_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_per_second <= 0:
            raise FilloutConfigError("max_requests_per_second must be positive")
        self.interval = 1.0 / max_per_second
        self._clock = clock
        self._sleep = sleep
        self._next_at = float("-inf")
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            wait = self._next_at - now
            if wait > 0:
                self._sleep(wait)
                now = self._next_at
            self._next_at = max(now, self._clock()) + self.interval


class _Retryable(Exception):
    """Internal: an attempt failed in a way worth retrying; `final` is raised if none is left."""

    def __init__(self, final: FilloutError, retry_after: float | None = None) -> None:
        super().__init__(str(final))
        self.final = final
        self.retry_after = retry_after


class _Malformed(_Retryable):
    """Internal: a body that did not parse; retried only `_PROTOCOL_ATTEMPTS` times."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER_S)


class FilloutClient:
    """Reads forms and submissions from Fillout; use as a context manager or call close()."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        max_requests_per_second: float = 5.0,
        max_attempts: int = 6,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key or not api_key.strip():
            raise FilloutConfigError("Fillout API key is empty")
        if any(c.isspace() for c in api_key.strip()) or not api_key.isprintable():
            raise FilloutConfigError("Fillout API key contains whitespace or control characters")
        if max_attempts < 1:
            raise FilloutConfigError("max_attempts must be at least 1")
        self._api_key = api_key.strip()
        self.base_url = resolve_base_url(base_url)
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._sleep = sleep
        self._limiter = MinIntervalRateLimiter(max_requests_per_second, sleep=sleep)
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            auth=_BearerAuth(self._api_key),
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "matchflow-fillout/1"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"FilloutClient(base_url={self.base_url!r}, api_key={mask_secret(self._api_key)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # ----------------------------------------------------------------- public API

    def list_forms(self) -> list[FilloutFormSummary]:
        """GET /forms: every form the key can see."""
        body = self._get_json("forms", {})
        if not isinstance(body, list):
            raise self._shape_error("GET /forms did not return a list", body)
        return [FilloutFormSummary.model_validate(item) for item in body if isinstance(item, dict)]

    def get_form(self, form_id: str) -> FilloutForm:
        """GET /forms/{formId}: the form's metadata and questions."""
        body = self._get_json(f"forms/{_path_id(form_id)}", {})
        try:
            if not isinstance(body, dict):
                raise ValueError("not an object")
            return FilloutForm.model_validate(body)
        except (ValueError, ValidationError) as exc:
            message = f"form metadata has the wrong shape ({type(exc).__name__})"
            raise self._shape_error(message, body) from None

    def iter_submissions(
        self,
        form_id: str,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
        status: str | None = "finished",
        page_size: int = MAX_PAGE_SIZE,
        include_edit_link: bool = False,
    ) -> Iterator[FilloutSubmission]:
        """Every submission of a form with submission time >= `after`, each once per call.

        See the module docstring for the pagination strategy. Submissions without an id
        cannot be deduplicated or stored, so they are logged and skipped.
        """
        if not 2 <= page_size <= MAX_PAGE_SIZE:
            raise FilloutConfigError(f"page_size must be within 2..{MAX_PAGE_SIZE}")
        if status not in (None, "finished", "in_progress"):
            raise FilloutConfigError("status must be 'finished', 'in_progress' or None")
        after = _aware(after) if after else None
        params: dict[str, Any] = {"sort": "asc", "limit": page_size}
        if status:
            params["status"] = status
        if include_edit_link:
            params["includeEditLink"] = "true"
        if after:
            params["afterDate"] = _iso(after - _AFTER_LOOKBACK)
        if before:
            params["beforeDate"] = _iso(_aware(before))
        path = f"forms/{_path_id(form_id)}/submissions"
        seen: set[str] = set()
        for pass_no in range(1, _MAX_PASSES + 1):
            consistent = yield from self._one_pass(path, params, after, seen)
            if consistent:
                return
            log.info("Fillout form %s changed during pagination; re-scanning (pass %d)", form_id, pass_no + 1)
        log.warning("Fillout form %s kept changing for %d passes; rows may be late", form_id, _MAX_PASSES)

    # ------------------------------------------------------------- pagination

    def _one_pass(
        self, path: str, params: dict[str, Any], after: datetime | None, seen: set[str]
    ) -> Iterator[FilloutSubmission]:
        """One offset walk with a one-row overlap; returns False if the anchor moved."""
        offset = 0
        anchor: str | None = None
        consistent = True
        while True:
            body = self._get_json(path, {**params, "offset": offset})
            rows, total = self._read_page(body)
            subs = [FilloutSubmission.from_api(raw) for raw in rows]
            if anchor is not None and (not subs or subs[0].submission_id != anchor):
                consistent = False
            for sub in subs:
                if not sub.submission_id:
                    log.warning("skipping a Fillout submission without an id at offset %d", offset)
                    continue
                if sub.submission_id in seen:
                    continue
                if after and sub.submission_time and sub.submission_time < after:
                    seen.add(sub.submission_id)  # inside the lookback window: already stored
                    continue
                seen.add(sub.submission_id)
                yield sub
            step = len(rows) - 1  # the last row is requested again as the next anchor
            if len(rows) < params["limit"] or offset + len(rows) >= total or step < 1:
                return consistent
            anchor = subs[-1].submission_id or None
            offset += step

    def _read_page(self, body: Any) -> tuple[list[Any], int]:
        if not isinstance(body, dict) or not isinstance(body.get("responses"), list):
            raise self._shape_error("submissions page has no 'responses' list", body)
        total = body.get("totalResponses")
        if not isinstance(total, int) or isinstance(total, bool):
            raise self._shape_error("submissions page has no integer 'totalResponses'", body)
        return body["responses"], total

    # ------------------------------------------------------------- HTTP + retries

    def _get_json(self, path: str, params: dict[str, Any]) -> Any:
        """GET with rate limiting and retries; returns the decoded JSON body."""
        malformed = 0

        def should_retry(state: RetryCallState) -> bool:
            nonlocal malformed
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Malformed):  # proxies truncate, but a body broken every time stays broken
                malformed += 1
                return malformed < _PROTOCOL_ATTEMPTS
            return isinstance(exc, _Retryable)

        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=should_retry,
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._attempt(path, params)
        except _Retryable as exc:
            raise exc.final from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, path: str, params: dict[str, Any]) -> Any:
        self._limiter.acquire()
        url = mask_url(f"{self.base_url}/{path}")
        try:
            response = self._http.get(path, params=params)
        except httpx.TimeoutException as exc:
            error = FilloutTransportError(f"timed out ({type(exc).__name__}) on {url}")
            raise _Retryable(error) from None
        except httpx.RemoteProtocolError as exc:  # e.g. connection closed mid-body: a truncation
            error = FilloutProtocolError(f"incomplete response ({type(exc).__name__})", url=url)
            raise _Malformed(error) from None
        except httpx.TransportError as exc:
            error = FilloutTransportError(f"connection failed ({type(exc).__name__}) on {url}")
            raise _Retryable(error) from None
        status = response.status_code
        if status == 429:
            error = FilloutRateLimitError(f"rate limited (429) on {url}", status_code=status, url=url)
            raise _Retryable(error, parse_retry_after(response.headers.get("Retry-After")))
        if status >= 500:
            error = FilloutServerError(f"server error {status} on {url}", status_code=status, url=url)
            raise _Retryable(error, parse_retry_after(response.headers.get("Retry-After")))
        if status in (401, 403):
            raise FilloutAuthError(
                f"Fillout refused the API key ({status}) on {url}: check the key and its region",
                status_code=status,
                url=url,
            )
        if status == 404:
            raise FilloutNotFoundError(
                f"not found (404) on {url}: check the form id and the region", status_code=status, url=url
            )
        if not 200 <= status < 300:
            detail = excerpt(response.content, [self._api_key], limit=200)
            message = f"unexpected status {status} on {url}: {detail}"
            raise FilloutClientError(message, status_code=status, url=url)
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise _Malformed(
                FilloutProtocolError(
                    f"response body is not JSON ({len(response.content)} bytes)",
                    excerpt=excerpt(response.content, [self._api_key]),
                    url=url,
                )
            ) from None

    def _wait(self, state: RetryCallState) -> float:
        """Exponential backoff with jitter (half to all of the step), never shorter than Retry-After."""
        ceiling = min(self.backoff_max_s, self.backoff_base_s * 2 ** (state.attempt_number - 1))
        backoff = random.uniform(ceiling / 2, ceiling)
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, _Retryable) else None
        return max(backoff, retry_after) if retry_after is not None else backoff

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "Fillout request failed (attempt %d/%d): %s; retrying in %.1fs",
            state.attempt_number,
            self.max_attempts,
            mask_text(str(exc), [self._api_key]),
            wait,
        )

    def _shape_error(self, message: str, body: Any) -> FilloutProtocolError:
        text = json.dumps(body, ensure_ascii=False, default=str)
        return FilloutProtocolError(message, excerpt=excerpt(text, [self._api_key]))


def _path_id(form_id: str) -> str:
    """Form ids are short public ids; refuse anything that could change the path."""
    if not form_id or not all(c.isalnum() or c in "-_" for c in form_id):
        raise FilloutConfigError("form id must be non-empty and contain only letters, digits, '-' and '_'")
    return form_id


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
