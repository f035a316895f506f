"""Errors raised by the Fillout source.

Every message here is safe to log: the API key, signed-URL query strings, e-mail
addresses and phone numbers are masked before they reach an exception.

Exception tree:

* FilloutError - base of everything below.
  + FilloutConfigError - bad settings (empty/odd API key, unknown region, bad mapping file).
  + FilloutHTTPError - the API answered with an error status (after any retries).
    - FilloutAuthError - 401/403: wrong, revoked or under-privileged key. Never retried.
    - FilloutNotFoundError - 404: unknown form id (or wrong region). Never retried.
    - FilloutRateLimitError - 429 still answered after every retry.
    - FilloutServerError - 5xx still answered after every retry.
    - FilloutClientError - any other 4xx (bad parameters). Never retried.
  + FilloutTransportError - timeouts and connection errors still failing after every retry.
  + FilloutProtocolError - a body that is not the JSON shape the API documents (non-JSON,
    truncated, wrong shape), after a couple of retries; carries a masked `excerpt`.
  + FileDownloadError - one file could not be fetched (refused host, private address,
    too large, 404, ...). A per-file failure: record it and go on with the submission.
    Also a `matchflow.domain.DocumentError`, so document-level handlers treat it alike.
"""

from __future__ import annotations

from enum import StrEnum

from matchflow.domain import DocumentError, FailureReason


class FilloutError(Exception):
    """Base class of every error raised by matchflow.fillout."""


class FilloutConfigError(FilloutError, ValueError):
    """Settings that cannot work: fix the configuration, retrying will not help."""


class FilloutHTTPError(FilloutError):
    """The API answered with an error status; `url` is already masked."""

    def __init__(self, message: str, *, status_code: int, url: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.url = url


class FilloutAuthError(FilloutHTTPError):
    """401/403: the key is wrong, revoked, or lacks access to the form."""


class FilloutNotFoundError(FilloutHTTPError):
    """404: unknown form id, or the form lives in another region."""


class FilloutRateLimitError(FilloutHTTPError):
    """429 answered on every attempt."""


class FilloutServerError(FilloutHTTPError):
    """5xx answered on every attempt."""


class FilloutClientError(FilloutHTTPError):
    """Another 4xx: the request itself is wrong (bad parameter), so it is not retried."""


class FilloutTransportError(FilloutError):
    """Timeouts or connection failures on every attempt."""


class FilloutProtocolError(FilloutError):
    """The body is not what the API documents; `excerpt` is a masked start of it."""

    def __init__(self, message: str, *, excerpt: str = "", url: str = "") -> None:
        super().__init__(f"{message} (excerpt: {excerpt!r})" if excerpt else message)
        self.excerpt = excerpt
        self.url = url


class DownloadFailure(StrEnum):
    """Why one file was not downloaded."""

    BAD_URL = "bad_url"
    HOST_NOT_ALLOWED = "host_not_allowed"
    PRIVATE_ADDRESS = "private_address"
    UNRESOLVABLE = "unresolvable"
    TOO_LARGE = "too_large"
    NOT_FOUND = "not_found"
    HTTP_ERROR = "http_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TRANSPORT = "transport"


class FileDownloadError(FilloutError, DocumentError):
    """One file could not be fetched; `kind` says why, `url` is masked."""

    def __init__(self, kind: DownloadFailure, message: str, *, url: str = "") -> None:
        too_large = kind is DownloadFailure.TOO_LARGE
        reason = FailureReason.TOO_LARGE if too_large else FailureReason.DOWNLOAD_FAILED
        DocumentError.__init__(self, reason, message)
        self.kind = kind
        self.url = url

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.message}"
