"""The Fillout API key read from a Prefect Secret block: fetch works and the key is masked in logs."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from matchflow.domain import DocumentKind
from matchflow.fillout.errors import FilloutConfigError
from matchflow.logs import install_redaction
from matchflow.pipeline.context import RunContext
from matchflow.pipeline.fetch import fetch_form
from storage.models import SourceRecord
from tests.servers.fillout_server import FilloutServer, candidate_submission


@pytest.fixture
def fillout_block(prefect_api):
    from prefect.blocks.system import Secret

    with FilloutServer() as server:
        Secret(value=server.api_key).save("fillout-api-key", overwrite=True)
        yield server


def test_fetch_reads_the_key_from_a_secret_block_and_masks_it(engine, settings, tmp_path, fillout_block):
    server = fillout_block
    server.add_submissions("candForm", [candidate_submission(i, resume_urls=[]) for i in range(3)])
    settings = settings.model_copy(update={
        "file_store": tmp_path / "files", "fillout_api_key": None, "fillout_api_key_block": "fillout-api-key",
        "fillout_base_url": server.base_url, "fillout_resume_form_id": "candForm"})
    redacting = install_redaction(settings)
    assert server.api_key not in redacting.secrets  # unknown until the block is read

    summary = fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(settings, engine=engine))

    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(SourceRecord)) == 3
    assert {f.message for f in summary.failures} == {"the submission has no resume file"}  # read, not refused
    record = logging.LogRecord("matchflow", logging.INFO, __file__, 1, "key is %s", (server.api_key,), None)
    redacting.filter(record)
    assert server.api_key not in record.getMessage()


def test_a_missing_secret_block_is_a_clear_configuration_error(engine, settings, prefect_api):
    settings = settings.model_copy(update={"fillout_api_key": None, "fillout_api_key_block": "no-such-block",
                                           "fillout_resume_form_id": "candForm"})
    with pytest.raises(FilloutConfigError, match="Prefect Secret block 'no-such-block' could not be loaded"):
        fetch_form(DocumentKind.RESUME, context=RunContext.from_settings(settings, engine=engine))
