"""FilloutClient against a real local server speaking Fillout's protocol."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from matchflow.fillout.client import DEFAULT_BASE_URL, parse_retry_after, resolve_base_url
from matchflow.fillout.errors import (
    FilloutAuthError,
    FilloutConfigError,
    FilloutNotFoundError,
    FilloutProtocolError,
    FilloutServerError,
    FilloutTransportError,
)
from tests.servers.fillout_server import (
    BASE_TIME,
    FilloutServer,
    candidate_submission,
    fillout_time,
    question,
    submission,
)

FORM = "candForm1"


def _seed(server: FilloutServer, n: int, form: str = FORM) -> list[str]:
    server.add_submissions(form, [candidate_submission(i) for i in range(n)])
    return server.submission_ids(form)


def _offsets(server: FilloutServer) -> list[int]:
    return [int(r.query["offset"]) for r in server.api_requests("/submissions")]


# ------------------------------------------------------------------ pagination


def test_pagination_reads_every_submission_once_and_no_page_twice(fillout_server, make_client):
    expected = _seed(fillout_server, 23)
    client = make_client()

    got = [s.submission_id for s in client.iter_submissions(FORM, page_size=5)]

    assert got == expected  # ascending submission time, none missing, none repeated
    offsets = _offsets(fillout_server)
    assert offsets == sorted(set(offsets)), "a page was fetched twice"
    first = fillout_server.api_requests("/submissions")[0].query
    assert first["sort"] == "asc" and first["limit"] == "5" and first["status"] == "finished"


def test_submissions_are_parsed_into_models(fillout_server, make_client):
    _seed(fillout_server, 2)
    subs = list(make_client().iter_submissions(FORM))
    assert subs[0].submission_time == BASE_TIME
    assert subs[0].question("full name").value == "Anna Ivanova"
    assert subs[0].url_parameters[0].value == "linkedin"
    assert subs[0].raw["submissionId"] == "cand-00000"
    assert len(fillout_server.api_requests()) == 1  # one short page: done


def test_status_filter_excludes_partial_submissions(fillout_server, make_client):
    finished = _seed(fillout_server, 3)
    fillout_server.add_submissions(FORM, [candidate_submission(50)], status="in_progress")
    client = make_client()
    assert [s.submission_id for s in client.iter_submissions(FORM)] == finished
    assert [s.submission_id for s in client.iter_submissions(FORM, status="in_progress")] == ["cand-00050"]


def test_after_is_inclusive_and_asks_with_a_lookback(fillout_server, make_client):
    ids = _seed(fillout_server, 10)
    watermark = BASE_TIME + timedelta(minutes=6)  # the time of submission 6

    got = [s.submission_id for s in make_client().iter_submissions(FORM, after=watermark)]

    assert got == ids[6:]
    sent = fillout_server.api_requests("/submissions")[0].query["afterDate"]
    assert sent == fillout_time(watermark - timedelta(seconds=1))


def test_before_filters_on_the_server(fillout_server, make_client):
    ids = _seed(fillout_server, 10)
    got = [
        s.submission_id for s in make_client().iter_submissions(FORM, before=BASE_TIME + timedelta(minutes=3))
    ]
    assert got == ids[:3]


def test_changing_page_middle_insert_yields_everything_exactly_once(fillout_server, make_client):
    _seed(fillout_server, 12)
    late = submission(
        [question("Full name", "ShortAnswer", "Late Finisher")],
        submitted_at=BASE_TIME + timedelta(minutes=1, seconds=30),  # sorts before rows already read
        sub_id="late-0001",
    )
    fillout_server.before_request(3, lambda s: s.add_submissions(FORM, [late]))

    got = [s.submission_id for s in make_client().iter_submissions(FORM, page_size=4)]

    assert sorted(got) == sorted(fillout_server.submission_ids(FORM))
    assert len(got) == len(set(got)) == 13


def test_changing_page_append_at_end_needs_no_rescan(fillout_server, make_client):
    _seed(fillout_server, 12)
    new = candidate_submission(99, submitted_at=BASE_TIME + timedelta(hours=1))
    fillout_server.before_request(2, lambda s: s.add_submissions(FORM, [new]))

    got = [s.submission_id for s in make_client().iter_submissions(FORM, page_size=4)]

    assert got == fillout_server.submission_ids(FORM)  # the new one last, in order
    offsets = _offsets(fillout_server)
    assert offsets == sorted(set(offsets)), "appending at the end must not cause a re-scan"


def test_changing_page_deletion_does_not_skip_rows(fillout_server, make_client):
    ids = _seed(fillout_server, 12)

    def delete_two(server: FilloutServer) -> None:  # rows already read: the rest shift left by two
        server.delete_submission(FORM, ids[0])
        server.delete_submission(FORM, ids[1])

    fillout_server.before_request(3, delete_two)

    got = [s.submission_id for s in make_client().iter_submissions(FORM, page_size=4)]

    assert len(got) == len(set(got))
    assert set(got) == set(ids)  # the deleted ones were read before they went away


def test_include_edit_link(fillout_server, make_client):
    _seed(fillout_server, 1)
    (sub,) = make_client().iter_submissions(FORM, include_edit_link=True)
    assert sub.edit_link == "https://forms.fillout.com/edit/cand-00000"


def test_get_form_and_list_forms(fillout_server, make_client):
    _seed(fillout_server, 1)
    client = make_client()
    form = client.get_form(FORM)
    assert form.id == FORM and any(q.name == "Email" for q in form.questions)
    assert [f.form_id for f in client.list_forms()] == [FORM]


# ------------------------------------------------------------------ retries


def test_429_retry_after_is_honoured(fillout_server, make_client, sleeps):
    _seed(fillout_server, 3)
    fillout_server.fail_next(429, times=2, retry_after="7")

    got = list(make_client(backoff_base_s=0.01).iter_submissions(FORM))

    assert len(got) == 3
    assert len(fillout_server.api_requests()) == 3
    assert sum(1 for s in sleeps.calls if s >= 7) == 2  # both waits at least Retry-After


def test_parse_retry_after_seconds_and_http_date():
    now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_500s_are_retried_with_growing_jittered_backoff(fillout_server, make_client, sleeps):
    _seed(fillout_server, 3)
    fillout_server.fail_next(500, times=3)

    got = list(make_client(backoff_base_s=1.0, max_requests_per_second=1000).iter_submissions(FORM))

    assert len(got) == 3 and len(fillout_server.api_requests()) == 4
    backoffs = [s for s in sleeps.calls if s >= 0.1]  # rate-limiter waits are now about 1 ms
    assert len(backoffs) == 3
    for attempt, wait in enumerate(backoffs, start=1):
        ceiling = 1.0 * 2 ** (attempt - 1)
        assert ceiling / 2 <= wait <= ceiling


def test_500s_give_up_after_max_attempts(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.fail_next(500, times=10)
    with pytest.raises(FilloutServerError) as info:
        list(make_client(max_attempts=3).iter_submissions(FORM))
    assert info.value.status_code == 500
    assert len(fillout_server.api_requests()) == 3


def test_timeouts_are_retried(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.delay_next(1.5, times=2)
    got = list(make_client(timeout=0.3).iter_submissions(FORM))
    assert len(got) == 3
    assert len(fillout_server.api_requests()) == 3


def test_timeouts_give_up_with_transport_error(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.delay_next(1.0, times=5)
    with pytest.raises(FilloutTransportError, match="timed out"):
        list(make_client(timeout=0.2, max_attempts=2).iter_submissions(FORM))


def test_truncated_json_is_retried_then_succeeds(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.truncate_next(times=2)
    assert len(list(make_client().iter_submissions(FORM))) == 3
    assert len(fillout_server.api_requests()) == 3


def test_connection_dropped_mid_body_is_retried(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.drop_next(times=1)
    assert len(list(make_client().iter_submissions(FORM))) == 3
    assert len(fillout_server.api_requests()) == 2


def test_truncated_json_every_time_raises_protocol_error_with_masked_excerpt(fillout_server, make_client):
    _seed(fillout_server, 3)
    fillout_server.truncate_next(times=10)

    with pytest.raises(FilloutProtocolError) as info:
        list(make_client().iter_submissions(FORM))

    assert len(fillout_server.api_requests()) == 3  # a couple of retries, not max_attempts
    text = str(info.value)
    assert info.value.excerpt and "responses" in info.value.excerpt
    assert "anna.0@example.com" not in text and "a***@example.com" in text
    assert "+49 151" not in text
    assert fillout_server.api_key not in text


def test_non_json_body_excerpt_masks_urls_emails_phones_and_key(fillout_server, make_client):
    _seed(fillout_server, 1)
    key = fillout_server.api_key
    page = f"<html>Proxy error. Mail ops.lead@corp.example or +1 (415) 555-0100. {key} "
    page += "https://bucket.s3.amazonaws.com/cv.pdf?X-Amz-Signature=deadbeef</html>"
    fillout_server.garbage_next(page.encode(), times=3)

    with pytest.raises(FilloutProtocolError) as info:
        list(make_client().iter_submissions(FORM))

    text = str(info.value)
    assert "not JSON" in text and "Proxy error" in text
    for secret in ("ops.lead@", "555-0100", key, "deadbeef", "X-Amz-Signature"):
        assert secret not in text
    assert "https://bucket.s3.amazonaws.com/cv.pdf?…" in text


def test_wrong_shape_raises_protocol_error(fillout_server, make_client):
    _seed(fillout_server, 1)
    fillout_server.garbage_next(b'{"responses": "not a list", "totalResponses": 1}')
    with pytest.raises(FilloutProtocolError, match="responses"):
        list(make_client().iter_submissions(FORM))


def test_submission_without_id_is_skipped_not_fatal(fillout_server, make_client):
    _seed(fillout_server, 2)
    broken = candidate_submission(7)
    del broken["submissionId"]
    fillout_server.add_submissions(FORM, [broken])
    assert [s.submission_id for s in make_client().iter_submissions(FORM)] == ["cand-00000", "cand-00001"]


def test_401_is_not_retried_and_hides_the_key(fillout_server, make_client):
    _seed(fillout_server, 3)
    wrong_key = "fo_wrong_" + "x" * 24
    with pytest.raises(FilloutAuthError) as info:
        list(make_client(api_key=wrong_key).iter_submissions(FORM))
    assert info.value.status_code == 401
    assert len(fillout_server.api_requests()) == 1
    assert wrong_key not in str(info.value) and wrong_key not in repr(info.value)


def test_404_unknown_form_is_not_retried(fillout_server, make_client):
    with pytest.raises(FilloutNotFoundError, match="form id"):
        make_client().get_form("nosuchform")
    assert len(fillout_server.api_requests()) == 1


def test_api_key_never_in_logs_reprs_or_errors(fillout_server, make_client, caplog):
    _seed(fillout_server, 5)
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    client = make_client(max_attempts=4)
    fillout_server.fail_next(429, retry_after="1")
    fillout_server.fail_next(500)
    fillout_server.truncate_next()
    list(client.iter_submissions(FORM, page_size=2))
    errors = []
    fillout_server.fail_next(500, times=5)
    for call in (lambda: list(client.iter_submissions(FORM)), lambda: client.get_form("missing")):
        with pytest.raises(Exception) as info:
            call()
        errors.append(info.value)

    key = fillout_server.api_key
    assert "retrying" in caplog.text  # the retries were logged...
    assert key not in caplog.text  # ...without the key
    assert key not in repr(client) and "***" in repr(client)
    assert key not in repr(client._http.auth)
    for error in errors:
        assert key not in str(error) and key not in repr(error)


# ------------------------------------------------------------------ rate limit


def test_rate_limit_keeps_requests_at_least_200ms_apart(fillout_server):
    """Real sleeping here: 12 requests at 5/s (about 2.2 s)."""
    from matchflow.fillout.client import FilloutClient

    _seed(fillout_server, 12)
    with FilloutClient(fillout_server.api_key, base_url=fillout_server.base_url) as client:
        got = list(client.iter_submissions(FORM, page_size=2))  # pages overlap by one: 11 requests
    assert len(got) == 12
    times = [r.time for r in fillout_server.api_requests()]
    assert len(times) >= 10
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.2 - 0.02  # server-side arrival jitter allowance only


# ------------------------------------------------------------------ configuration


def test_region_names_and_urls():
    assert resolve_base_url("us") == DEFAULT_BASE_URL
    assert resolve_base_url("EU") == "https://eu-api.fillout.com/v1/api"
    assert resolve_base_url("ca-api") == "https://ca-api.fillout.com/v1/api"
    assert (
        resolve_base_url("https://proxy.internal/fillout/v1/api/") == "https://proxy.internal/fillout/v1/api"
    )
    with pytest.raises(FilloutConfigError, match="unknown Fillout region"):
        resolve_base_url("mars")


@pytest.mark.parametrize("key", ["", "   ", "key with space", "key\nX-Injected: 1"])
def test_bad_api_keys_are_refused_without_echoing(key):
    from matchflow.fillout.client import FilloutClient

    with pytest.raises(FilloutConfigError) as info:
        FilloutClient(key)
    if key.strip():
        assert key.strip() not in str(info.value)


def test_bad_form_id_and_page_size_are_refused(make_client):
    client = make_client()
    with pytest.raises(FilloutConfigError):
        list(client.iter_submissions("../forms"))
    with pytest.raises(FilloutConfigError):
        list(client.iter_submissions(FORM, page_size=500))
