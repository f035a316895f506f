"""A re-read submission whose file URLs were re-signed is the same record; any real change is an update."""

from __future__ import annotations

import copy

from matchflow.domain import DocumentKind
from matchflow.pipeline.receive import payload_hash, stable_payload
from matchflow.sources.base import IncomingDocument
from tests.servers.fillout_server import question, submission

SIGNED = "https://uploads.example.com/forms/abc/cv.pdf?X-Amz-Signature=1f2e&X-Amz-Expires=3600"


def _payload(url: str = SIGNED, linkedin: str = "https://linkedin.example/in/anna?trk=a") -> dict:
    return submission([
        question("Full name", "ShortAnswer", "Anna Ivanova"),
        question("LinkedIn", "URLInput", linkedin),
        question("Upload your CV", "FileUpload", [{"url": url, "filename": "cv.pdf"}]),
        question("Portfolio files", "FileUpload", [url]),
        question("Signature", "Signature", url),
    ], index=1)


def _item(payload: dict, data: bytes = b"%PDF-1.4 resume") -> IncomingDocument:
    return IncomingDocument(source="fillout", form_id="candForm", record_key="sub-00001", kind=DocumentKind.RESUME,
                            data=data, payload=payload)


def test_re_signed_file_urls_hash_the_same():
    resigned = _payload(SIGNED.replace("1f2e", "9a8b").replace("3600", "3599"))
    assert payload_hash(_item(_payload())) == payload_hash(_item(resigned))


def test_real_changes_still_change_the_hash():
    base = payload_hash(_item(_payload()))
    assert payload_hash(_item(_payload(), data=b"%PDF-1.4 another resume")) != base  # new bytes
    assert payload_hash(_item(_payload(SIGNED.replace("cv.pdf", "cv-2.pdf")))) != base  # another file
    assert payload_hash(_item(_payload(linkedin="https://linkedin.example/in/anna?trk=b"))) != base  # not a file
    renamed = _payload()
    renamed["questions"][0]["value"] = "Anna Ivanova-Smith"
    assert payload_hash(_item(renamed)) != base


def test_stable_payload_leaves_the_stored_payload_alone():
    payload = _payload()
    kept = copy.deepcopy(payload)
    stable = stable_payload(payload)
    assert payload == kept  # the record is stored exactly as received
    assert stable["questions"][2]["value"][0] == {"url": SIGNED.split("?")[0], "filename": "cv.pdf"}
    assert stable["questions"][3]["value"] == [SIGNED.split("?")[0]]
    assert stable["questions"][4]["value"] == SIGNED.split("?")[0]
    assert stable["questions"][1]["value"] == payload["questions"][1]["value"]
