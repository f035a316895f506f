"""File-upload answers: reading their values and downloading them safely.

Fillout's FileUpload answers are lists of `{"url": ..., "filename": ...}` pointing at
signed, expiring URLs. Downloads are guarded because the URLs come from the internet:

* only http(s) URLs whose host is in `allowed_hosts` (exact or a subdomain);
* hosts resolving to private, loopback, link-local or reserved addresses are refused
  unless `allow_private` (SSRF). The check resolves the name before connecting, so a
  DNS-rebinding host could still answer differently a moment later; the allow-list is
  the main defence;
* redirects are followed by hand, re-checking every hop;
* bodies are streamed and abandoned past `max_bytes`;
* 5xx and timeouts are retried (tenacity); 404 and refusals are per-file failures
  (`FileDownloadError`), never fatal to the run;
* signed query strings never appear in messages or reprs (`mask_url`).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import filetype
import httpx
from pydantic import BaseModel
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from matchflow.fillout.errors import DownloadFailure, FileDownloadError
from matchflow.fillout.masking import mask_url

log = logging.getLogger(__name__)

URL_KEYS = ("url", "link", "fileUrl", "file_url", "href")
NAME_KEYS = ("filename", "name", "fileName", "file_name")
_REDIRECTS = (301, 302, 303, 307, 308)


class FileRef(BaseModel):
    """A file named by a submission; `url` is secret-bearing (signed) - never log it raw."""

    url: str
    name: str | None = None

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        yield "url", mask_url(self.url)
        yield "name", self.name

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


@dataclass(frozen=True)
class DownloadedFile:
    """The bytes of one file as received, with what we could tell about them."""

    ref: FileRef
    name: str
    content: bytes = field(repr=False)
    sha256: str
    mime: str  # sniffed from the first bytes, not the server's say-so
    declared_mime: str | None = None  # the server's Content-Type, for the record

    @property
    def size(self) -> int:
        return len(self.content)


def parse_file_values(value: Any) -> tuple[list[FileRef], list[str]]:
    """Read a FileUpload answer: objects with a URL and a name, bare URLs, or lists of either."""
    refs: list[FileRef] = []
    problems: list[str] = []
    if value is None or value == "" or value == []:
        return refs, problems
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        if isinstance(item, str):
            url, name = item.strip(), None
        elif isinstance(item, dict):
            url = next((item[k] for k in URL_KEYS if isinstance(item.get(k), str) and item[k].strip()), None)
            name = next(
                (item[k] for k in NAME_KEYS if isinstance(item.get(k), str) and item[k].strip()), None
            )
            if url is None:
                problems.append(f"file {i}: no url in an object with keys {sorted(map(str, item))[:8]}")
                continue
            url = url.strip()
        else:
            problems.append(f"file {i}: expected an object or a URL, got {type(item).__name__}")
            continue
        if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).hostname:
            problems.append(f"file {i}: not an http(s) URL: {mask_url(url)}")
            continue
        refs.append(FileRef(url=url, name=_safe_name(name) if name else None))
    return refs, problems


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """True if `host` is one of `allowed_hosts` or a subdomain of one."""
    host = host.lower().rstrip(".")
    for allowed in allowed_hosts:
        allowed = allowed.lower().rstrip(".").lstrip(".")
        if allowed and (host == allowed or host.endswith("." + allowed)):
            return True
    return False


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, shared, reserved, multicast or unspecified IPs."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def download_file(
    client: httpx.Client,
    ref: FileRef,
    *,
    allowed_hosts: set[str],
    max_bytes: int = 20_000_000,
    allow_private: bool = False,
    max_redirects: int = 5,
    max_attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> DownloadedFile:
    """Fetch one file with the guards in the module docstring; raises FileDownloadError.

    Pass a plain `httpx.Client` (no base_url, no auth); the request is sent with
    `auth=None` anyway so a client carrying the Fillout key never sends it to file hosts.
    """
    url = ref.url
    for _hop in range(max_redirects + 1):
        _check_url(url, allowed_hosts, allow_private)
        retrying = Retrying(
            stop=stop_after_attempt(max_attempts),
            wait=wait_random_exponential(multiplier=0.5, max=10.0),
            retry=retry_if_exception_type(_Transient),
            sleep=sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    result = _fetch_once(client, url, max_bytes)
        except _Transient as exc:
            raise exc.final from None
        if isinstance(result, str):  # a redirect: check the next hop before following it
            url = result
            continue
        content, declared = result
        return DownloadedFile(
            ref=ref,
            name=ref.name or _name_from_url(url),
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            mime=sniff_mime(content),
            declared_mime=declared,
        )
    raise FileDownloadError(
        DownloadFailure.TOO_MANY_REDIRECTS, f"more than {max_redirects} redirects", url=mask_url(ref.url)
    )


def sniff_mime(content: bytes) -> str:
    """The type the bytes say they are (filetype's magic numbers), or text/plain, or octet-stream."""
    kind = filetype.guess(content[:8192]) if content else None
    if kind is not None:
        return kind.mime
    head = content[:4096]
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 4096-byte window
                return "text/plain"
    return "application/octet-stream"


class _Transient(Exception):
    def __init__(self, final: FileDownloadError) -> None:
        super().__init__(str(final))
        self.final = final


def _check_url(url: str, allowed_hosts: set[str], allow_private: bool) -> None:
    masked = mask_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise FileDownloadError(DownloadFailure.BAD_URL, f"unparseable URL {masked}", url=masked) from None
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FileDownloadError(DownloadFailure.BAD_URL, f"not an http(s) URL: {masked}", url=masked)
    if not host_allowed(host, allowed_hosts):
        raise FileDownloadError(
            DownloadFailure.HOST_NOT_ALLOWED, f"host {host!r} is not in the allowed hosts", url=masked
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(
            host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError):
        raise FileDownloadError(
            DownloadFailure.UNRESOLVABLE, f"cannot resolve {host!r}", url=masked
        ) from None
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            raise FileDownloadError(
                DownloadFailure.PRIVATE_ADDRESS,
                f"host {host!r} resolves to a non-public address ({address})",
                url=masked,
            )


def _fetch_once(client: httpx.Client, url: str, max_bytes: int) -> str | tuple[bytes, str | None]:
    """One GET: the next URL for a redirect, else (bytes, content type); raises on failure."""
    masked = mask_url(url)
    try:
        with client.stream("GET", url, auth=None, follow_redirects=False) as response:
            status = response.status_code
            if status in _REDIRECTS and response.headers.get("Location"):
                return urljoin(url, response.headers["Location"])
            if status == 404 or status == 410:
                raise FileDownloadError(DownloadFailure.NOT_FOUND, f"{status} for {masked}", url=masked)
            if status >= 500 or status == 429:
                raise _Transient(
                    FileDownloadError(DownloadFailure.HTTP_ERROR, f"{status} for {masked}", url=masked)
                )
            if not 200 <= status < 300:
                raise FileDownloadError(DownloadFailure.HTTP_ERROR, f"{status} for {masked}", url=masked)
            declared_len = response.headers.get("Content-Length", "")
            if declared_len.isdigit() and int(declared_len) > max_bytes:
                raise _too_large(masked, max_bytes, f"declared {declared_len} bytes")
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise _too_large(masked, max_bytes, f"more than {max_bytes} bytes received")
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type")
            return b"".join(chunks), content_type.split(";")[0].strip() if content_type else None
    except httpx.TimeoutException as exc:
        error = FileDownloadError(DownloadFailure.TRANSPORT, f"timed out ({type(exc).__name__})", url=masked)
        raise _Transient(error) from None
    except httpx.TransportError as exc:
        error = FileDownloadError(
            DownloadFailure.TRANSPORT, f"connection failed ({type(exc).__name__})", url=masked
        )
        raise _Transient(error) from None


def _too_large(masked: str, max_bytes: int, detail: str) -> FileDownloadError:
    return FileDownloadError(
        DownloadFailure.TOO_LARGE, f"{masked} is over the {max_bytes}-byte limit ({detail})", url=masked
    )


def _name_from_url(url: str) -> str:
    last = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return _safe_name(last) or "file"


def _safe_name(name: str) -> str:
    """The last path component only, so a name can never point outside a folder."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "" if base in (".", "..") else base[:255]
