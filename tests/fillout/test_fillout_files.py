"""File-upload answers and guarded downloads, against the real local server."""

from __future__ import annotations

import hashlib
import io

import docx
import httpx
import pytest

from matchflow.domain import DocumentError, FailureReason
from matchflow.fillout.errors import DownloadFailure, FileDownloadError
from matchflow.fillout.files import (
    FileRef,
    download_file,
    host_allowed,
    is_public_address,
    parse_file_values,
    sniff_mime,
)
from matchflow.fillout.masking import mask_url

LOCAL = {"127.0.0.1"}


def _pdf_bytes() -> bytes:
    """A small but well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 20 100 Td (CV) Tj ET\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_heading("Anna Ivanova", 0)
    document.add_paragraph("Backend engineer. Python, PostgreSQL.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def http() -> httpx.Client:
    with httpx.Client(timeout=2.0) as client:
        yield client


def _no_sleep(_: float) -> None:
    pass


# ------------------------------------------------------------------ parse_file_values


def test_parse_fillout_file_objects_and_variants():
    value = [
        {"url": "https://f.fillout.com/a.pdf?sig=1", "filename": "a.pdf"},
        {"link": "https://f.fillout.com/b.docx", "name": "dir/../b.docx"},
        {"fileUrl": "https://f.fillout.com/c.doc", "fileName": "c.doc"},
        "https://f.fillout.com/d.pdf",
        {"filename": "no-url.pdf"},
        42,
        "ftp://f.fillout.com/e.pdf",
    ]
    refs, problems = parse_file_values(value)
    assert [r.name for r in refs] == ["a.pdf", "b.docx", "c.doc", None]
    assert refs[0].url.endswith("?sig=1")
    assert len(problems) == 3
    assert any("no url" in p for p in problems) and any("int" in p for p in problems)


def test_parse_single_string_and_empty_values():
    assert parse_file_values("https://x.example/cv.pdf")[0][0].url == "https://x.example/cv.pdf"
    assert parse_file_values(None) == ([], [])
    assert parse_file_values([]) == ([], [])
    refs, problems = parse_file_values({"url": 5})
    assert refs == [] and problems


def test_file_ref_repr_masks_signed_query():
    ref = FileRef(url="https://s3.example/cv.pdf?X-Amz-Signature=abc123", name="cv.pdf")
    assert "abc123" not in repr(ref) and "abc123" not in str(ref)
    assert mask_url(ref.url) == "https://s3.example/cv.pdf?…"


def test_host_matching_and_address_classes():
    assert host_allowed("files.fillout.com", {"fillout.com"})
    assert host_allowed("FILES.fillout.com.", {"files.fillout.com"})
    assert not host_allowed("evilfillout.com", {"fillout.com"})
    assert not host_allowed("fillout.com.evil.example", {"fillout.com"})
    for private in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.5",
        "169.254.169.254",
        "::1",
        "::ffff:127.0.0.1",
        "fe80::1",
    ):
        assert not is_public_address(private), private
    assert is_public_address("8.8.8.8") and is_public_address("2606:4700:4700::1111")


def test_sniff_mime_from_bytes():
    assert sniff_mime(_pdf_bytes()) == "application/pdf"
    assert (
        sniff_mime(_docx_bytes()) == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert sniff_mime("Résumé\nPython".encode()) == "text/plain"
    assert sniff_mime(b"\x00\x01\x02garbage") == "application/octet-stream"


# ------------------------------------------------------------------ downloads


def test_download_from_allowed_host(fillout_server, http):
    content = _pdf_bytes()
    url = fillout_server.add_file("cv.pdf", content)

    got = download_file(http, FileRef(url=url, name="cv.pdf"), allowed_hosts=LOCAL, allow_private=True)

    assert got.content == content and got.size == len(content)
    assert got.sha256 == hashlib.sha256(content).hexdigest()
    assert got.mime == "application/pdf" and got.name == "cv.pdf"
    assert "sig=" not in repr(got)
    assert len(fillout_server.file_requests()) == 1


def test_download_docx_sniffed_and_named_from_url(fillout_server, http):
    url = fillout_server.add_file("resume.docx", _docx_bytes(), content_type="application/octet-stream")
    got = download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True)
    assert got.name == "resume.docx"
    assert got.mime.endswith("wordprocessingml.document")
    assert got.declared_mime == "application/octet-stream"


def test_disallowed_host_is_refused_before_any_request(fillout_server, http):
    url = fillout_server.add_file("cv.pdf", _pdf_bytes())
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts={"files.fillout.com"}, allow_private=True)
    assert info.value.kind is DownloadFailure.HOST_NOT_ALLOWED
    assert fillout_server.file_requests() == []


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_refused_unless_allow_private(fillout_server, http, host):
    url = fillout_server.add_file("cv.pdf", _pdf_bytes(), host=host)
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts={host})
    assert info.value.kind is DownloadFailure.PRIVATE_ADDRESS
    assert fillout_server.file_requests() == []
    assert download_file(http, FileRef(url=url), allowed_hosts={host}, allow_private=True).size > 0


def test_redirect_to_other_host_is_refused(fillout_server, http):
    url = fillout_server.add_file(
        "cv.pdf", b"", redirect_to="http://169.254.169.254/latest/meta-data/?token=1"
    )
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True)
    assert info.value.kind is DownloadFailure.HOST_NOT_ALLOWED
    assert len(fillout_server.file_requests()) == 1  # the redirect itself, never the target
    assert "token=1" not in str(info.value)


def test_redirect_within_allowed_hosts_is_followed(fillout_server, http):
    target = fillout_server.add_file("real.pdf", _pdf_bytes())
    url = fillout_server.add_file("moved.pdf", b"", redirect_to=target)
    got = download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True)
    assert got.mime == "application/pdf" and got.name == "real.pdf"
    assert [r.path for r in fillout_server.file_requests()] == ["/files/moved.pdf", "/files/real.pdf"]


def test_redirect_loop_stops(fillout_server, http):
    fillout_server.add_file("loop.pdf", b"")
    loop_url = fillout_server.file_url("loop.pdf")
    fillout_server.files["loop.pdf"].redirect_to = loop_url
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=loop_url), allowed_hosts=LOCAL, allow_private=True, max_redirects=3)
    assert info.value.kind is DownloadFailure.TOO_MANY_REDIRECTS


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_file_is_aborted(fillout_server, http, chunked):
    url = fillout_server.add_file("big.pdf", b"%PDF-1.4\n" + b"0" * 300_000, chunked=chunked)
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True, max_bytes=50_000)
    assert info.value.kind is DownloadFailure.TOO_LARGE
    assert info.value.reason is FailureReason.TOO_LARGE
    assert "50000-byte limit" in str(info.value)


def test_404_is_a_per_file_failure_with_masked_url(fillout_server, http):
    url = fillout_server.add_file("gone.pdf", b"", status=404)
    sig = fillout_server.files["gone.pdf"].sig
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True, sleep=_no_sleep)
    assert info.value.kind is DownloadFailure.NOT_FOUND
    assert isinstance(info.value, DocumentError) and info.value.reason is FailureReason.DOWNLOAD_FAILED
    assert sig not in str(info.value) and sig not in info.value.url
    assert len(fillout_server.file_requests()) == 1  # not retried


def test_bad_signature_is_an_http_error_not_retried(fillout_server, http):
    url = fillout_server.add_file("cv.pdf", _pdf_bytes()).replace("sig=", "sig=x")
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True, sleep=_no_sleep)
    assert info.value.kind is DownloadFailure.HTTP_ERROR
    assert len(fillout_server.file_requests()) == 1


def test_5xx_is_retried_then_succeeds(fillout_server, http):
    url = fillout_server.add_file("cv.pdf", _pdf_bytes(), fail_times=2)
    got = download_file(http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True, sleep=_no_sleep)
    assert got.mime == "application/pdf"
    assert len(fillout_server.file_requests()) == 3


def test_5xx_every_time_gives_up(fillout_server, http):
    url = fillout_server.add_file("cv.pdf", _pdf_bytes(), fail_times=10)
    with pytest.raises(FileDownloadError) as info:
        download_file(
            http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True, sleep=_no_sleep, max_attempts=2
        )
    assert info.value.kind is DownloadFailure.HTTP_ERROR
    assert len(fillout_server.file_requests()) == 2


def test_download_never_sends_the_fillout_key(fillout_server, make_client):
    """Even through the API client's own httpx.Client, file hosts get no Authorization header."""
    url = fillout_server.add_file("cv.pdf", _pdf_bytes())
    client = make_client()
    download_file(client._http, FileRef(url=url), allowed_hosts=LOCAL, allow_private=True)
    assert fillout_server.file_requests()[0].authorized is False


def test_non_http_url_is_refused(http):
    with pytest.raises(FileDownloadError) as info:
        download_file(http, FileRef(url="file:///etc/passwd"), allowed_hosts={"localhost"})
    assert info.value.kind is DownloadFailure.BAD_URL
