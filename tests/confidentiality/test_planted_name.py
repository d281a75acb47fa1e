"""The planted child (tests/planted.py) leaks nowhere (issue 15, "Done when").

One journey drives the paths that touch the child — the referrer's form, triage, case pages, the API,
search, notifications and emails sent by a real Celery worker through the real Redis, a funder report
built by the worker — and then looks for the name, given name, ID number and phone in every log record
(in process and the worker's), every Redis key and value, every email, every outbox payload, every link
the pages hold, and every message meant for someone who may not see the child. The whole run is
checked again at its end (tests/conftest.py, ``_planted_name_check``).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.utils import timezone

from cases.models import Case, HouseholdMember
from cases.services import activity_record
from core.models import OutboxMessage
from notifications.models import Notification
from referrals.models import Referral
from reports.models import Report
from tests.conftest import _redis, wait_for
from tests.planted import (
    PLANTED_ID_NUMBER,
    PLANTED_NAME,
    PLANTED_PHONE,
    RECORDER,
    leaks_in,
    markers_in,
    redis_leaks,
)

LINK = re.compile(r"""(?:href|src|action|hx-get|hx-post|hx-put|hx-delete|data-[a-z-]*url)=["']([^"']*)["']""")


@pytest.mark.worker
@pytest.mark.slow
def test_the_planted_child_is_in_no_log_url_redis_email_or_outsiders_message(cast, celery_worker, client_for, api_for):
    for user in (cast.worker, cast.colleague, cast.manager, cast.referrer, cast.funder, cast.pledger):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    logged_before = len(RECORDER.leaks)
    links: list[str] = []

    def read(client, url, params=None):
        response = client.get(url, params or {})
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.get("Location"):
            links.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            links.extend(LINK.findall(response.content.decode()))
        return response

    # given: a referrer reports the planted child, with the ID number and the grandmother's phone
    response = client_for(cast.referrer).post(
        "/referrals/new/",
        {
            "child_name": PLANTED_NAME,
            "child_sex": "female",
            "child_age": "9",
            "location": cast.village.pk,
            "concerns": f"{PLANTED_NAME}身上有伤，身份证号 {PLANTED_ID_NUMBER}",
            "caregiver_situation": f"奶奶，电话 {PLANTED_PHONE}",
            "indicators": ["visible_injuries"],
            "urgency": "immediate",
            "submission_key": "planted-1",
        },
    )
    assert response.status_code == 302
    links.append(response["Location"])
    referral = Referral.objects.get(child_name=PLANTED_NAME)
    # the real worker emails the staff on duty
    urgent = Notification.objects.filter(kind="referral_immediate", object_id=str(referral.pk))
    wait_for(lambda: urgent.exists() and not urgent.filter(emailed_at__isnull=True).exists(), timeout=60)

    # when: the social worker accepts it, fills in the file and works on the case
    response = client_for(cast.worker).post(f"/referrals/{referral.pk}/accept/")
    assert response.status_code == 302
    links.append(response["Location"])
    case = Case.objects.get(referral=referral)
    child = case.child
    assert child.name == PLANTED_NAME
    child.id_number = PLANTED_ID_NUMBER
    child.save(update_fields=["id_number"])
    HouseholdMember.objects.create(child=child, name="蒯奶奶", relation="奶奶", phone=PLANTED_PHONE)
    activity_record(
        actor=cast.worker,
        case=case,
        kind="home_visit",
        date=timezone.localdate(),
        summary=f"{PLANTED_NAME}说继父打她",
        sensitive=True,
    )
    worker, manager = client_for(cast.worker), client_for(cast.manager)
    for client in (worker, manager):
        for url in (f"/cases/{case.pk}/", f"/cases/{case.pk}/edit/", "/cases/", f"/referrals/{referral.pk}/", "/"):
            read(client, url)
        read(client, "/notifications/")
    found = read(worker, "/cases/search/", {"q": PLANTED_NAME}).context["results"]
    assert [c.pk for c in found] == [case.pk]
    api = api_for(cast.worker)
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/", f"/api/v1/referrals/{referral.pk}/"):
        assert PLANTED_NAME in api.get(url).content.decode()  # shown to who may see it
    read(worker, "/cases/children/autocomplete/", {"q": PLANTED_NAME[1:]})
    # the referrer follows their referral; the reminder sweep runs on the worker
    read(client_for(cast.referrer), "/referrals/")
    from notifications.tasks import reminder_sweep

    reminder_sweep.delay()
    # a report for the funder, built by the worker; a narrative naming the child is refused
    today = timezone.localdate()
    period = {"kind": "funder", "start": (today - dt.timedelta(days=90)).isoformat(), "end": today.isoformat()}
    mgr_api = api_for(cast.manager)
    refused = mgr_api.post("/api/v1/reports/", {**period, "narrative": f"{PLANTED_NAME}得到了帮助"}, format="json")
    assert refused.status_code == 400
    queued = mgr_api.post("/api/v1/reports/", {**period, "format": "xlsx"}, format="json")
    assert queued.status_code == 202, queued.content
    report_id = queued.json()["id"]
    wait_for(lambda: Report.objects.get(pk=report_id).status == "done", timeout=120)

    # then: the people outside the case read nothing of the child, and funders' figures neither
    outsiders = {
        "colleague": client_for(cast.colleague),
        "other_referrer": client_for(cast.other_referrer),
        "pledger": client_for(cast.pledger),
        "volunteer": client_for(cast.volunteer),
        "funder": client_for(cast.funder),
    }
    for who, client in outsiders.items():
        for url in ("/", "/notifications/"):
            response = client.get(url)
            assert markers_in(response.content) == [], (who, url)
    funder_api = api_for(cast.funder)
    for url in ("/api/v1/reports/summary/", "/reports/summary.csv"):
        response = funder_api.get(url, {"start": period["start"], "end": period["end"]})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert markers_in(body) == [], url
    download = funder_api.get(f"/api/v1/reports/{report_id}/download/")
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as xlsx:  # read inside the zip
        parts = [xlsx.read(name) for name in xlsx.namelist()]
    assert len(parts) > 3 and leaks_in(parts) == []
    # a message about the child goes only to someone who may open it
    for note in Notification.objects.all():
        if markers_in(f"{note.text} {note.message} {note.params} {note.link}"):
            assert client_for(note.user).get(note.link or "/").status_code == 200, note.user.username
    for note in Notification.objects.filter(user__in=[cast.colleague, cast.pledger, cast.volunteer, cast.funder]):
        assert markers_in(f"{note.text} {note.message} {note.params} {note.link}") == [], note.user.username
    # emails say only that something waits; the outbox carries ids, never the child
    mail = celery_worker.sent_mail()
    assert len(mail) >= 3
    for message in mail:
        assert markers_in(message.as_bytes()) == [], message["To"]
    assert leaks_in([str(m.args) + str(m.kwargs) for m in OutboxMessage.objects.all()]) == []
    # no link the app wrote (pages, redirects) carries the child
    assert len(links) > 50
    assert [link for link in links if markers_in(link)] == []
    # nothing in Redis (broker messages, results, caches), nothing in any log
    wait_for(lambda: _redis().llen(celery_worker.queue) == 0, timeout=60)
    assert redis_leaks(_redis()) == {}
    assert leaks_in([celery_worker.log_path.read_bytes()]) == []
    assert RECORDER.leaks[logged_before:] == []
    assert RECORDER.seen > 0


def test_the_scans_find_the_child_however_it_was_written_down():
    import logging
    from urllib.parse import quote

    body = base64.b64encode(json.dumps([[1], {"name": PLANTED_NAME}, {}]).encode()).decode()
    envelope = json.dumps({"body": body, "properties": {"body_encoding": "base64"}, "headers": {"argsrepr": "(1,)"}})
    assert set(leaks_in([envelope])) == {PLANTED_NAME, "璨璟"}
    assert leaks_in([json.dumps({"result": f"身份证 {PLANTED_ID_NUMBER}"})]) == [PLANTED_ID_NUMBER]
    assert set(markers_in(f"/cases/search/?q={quote(PLANTED_NAME)}")) == {PLANTED_NAME, "璨璟"}
    assert leaks_in([json.dumps({"task": "x", "args": [12, 34]})]) == []
    before = len(RECORDER.leaks)
    logging.getLogger("shouhu.test").warning("opened a case for %s", PLANTED_NAME)
    assert len(RECORDER.leaks) == before + 1 and "shouhu.test" in RECORDER.leaks[-1]
    del RECORDER.leaks[before:]  # planted on purpose: not a leak of the application


def test_the_redis_scan_reads_every_kind_of_value():
    r = _redis()
    keys = {"planted-test:string", "planted-test:list", "planted-test:hash"}
    try:
        r.set("planted-test:string", "nothing here")
        r.rpush("planted-test:list", "a", json.dumps({"child": PLANTED_PHONE}))
        r.hset("planted-test:hash", "k", json.dumps({"id": PLANTED_ID_NUMBER}))
        leaks = {k: v for k, v in redis_leaks(r).items() if k in keys}
        assert leaks == {"planted-test:list": [PLANTED_PHONE], "planted-test:hash": [PLANTED_ID_NUMBER]}
    finally:
        r.delete(*keys)
