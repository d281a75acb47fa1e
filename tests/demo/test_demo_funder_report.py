"""The funder PDF made from the demo (issue 14, "done when"): every section is there, with the demo's own
figures, and it names no child and no village."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from cases.choices import ClosureCode
from cases.models import Case, Child
from core.models import Contract, Location
from reports.models import Report
from reports.sections import buckets, previous_period
from reports.services import report_generate

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_demo_funder_pdf_shows_every_section_and_no_child(tmp_path):
    call_command("seed_demo")
    contract = Contract.objects.get(name="幸福镇儿童保护服务项目")
    end = min(timezone.localdate(), contract.end)
    report = Report.objects.create(
        start=contract.start,
        end=end,
        contract=contract,
        created_by=User.objects.get(username="liu"),
        narrative="今年联盟成员增加，转介更及时。",
    )
    report = report_generate(report_id=report.pk)
    assert report.status == "done", report.error
    path = tmp_path / "demo.pdf"
    path.write_bytes(report.file.read())
    text = re.sub(
        r"[ \t]+",
        " ",
        subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout,
    )
    cover = text.split("\f")[0]
    with translation.override("zh-hans"):
        for label in (_("Project"), _("Contract"), _("Funder"), _("Organisation"), _("Period"), _("Generated")):
            assert label in cover, label
        for heading in (
            _("Month by month"),
            _("Outcomes"),
            _("Staffing"),
            _("Against the previous period"),
            _("By town"),
        ):
            assert heading in text, heading
    for expected in ("幸福镇儿童保护服务项目", "幸福镇妇联", "今年联盟成员增加，转介更及时。"):
        assert expected in cover, expected
    # the demo's cases served in the period, counted here, in the comparison table
    served = Case.objects.filter(contract=contract, opened_on__lte=end).exclude(closed_on__lt=contract.start).count()
    with translation.override("zh-hans"):
        row = re.search(rf"{re.escape(_('Cases served'))} (\S+) (\S+) (\S+)", text)
        towns = text.split(_("By town"))[-1]
    assert row is not None and row.group(1) == (str(served) if served >= 3 else "<3")
    assert "幸福镇" in towns  # the demo's town in its own section
    _check_every_section(text, cover, contract, end)
    villages = Location.objects.filter(kind__in=("village", "community")).values_list("name", flat=True)
    for secret in [
        *Child.objects.values_list("name", flat=True),
        *villages,
        *Case.objects.values_list("number", flat=True),
    ]:
        assert secret not in text, secret
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "demo-funder-report.pdf").write_bytes(path.read_bytes())


def _section(text: str, heading: str, next_heading: str) -> str:
    assert heading in text, heading
    part = text.split(heading, 1)[1]
    return part.split(next_heading, 1)[0] if next_heading in part else part


def _check_every_section(text: str, cover: str, contract: Contract, end: dt.date) -> None:
    """Issue 14 item 5, section by section, in the PDF's own words."""
    with translation.override("zh-hans"):
        # the cover: the headline figures and what "<3" and "—" mean
        for label in (_("Cases served in the period"), _("Referrals received"), _("Home visits")):
            assert label in cover, label
        assert "<3" in cover and "“—”" in cover
        # cases opened and closed, month by month (or year by year): every bucket of the period has its row
        unit, keys = buckets(contract.start, end)
        heading = _("Month by month") if unit == "month" else _("Year by year")
        monthly = _section(text, heading, _("Outcomes"))
        assert _("Cases opened") in monthly and _("Cases closed") in monthly
        for key in keys:
            label = key if unit == "year" else date_format(dt.date(*map(int, key.split("-")), 1), "YEAR_MONTH_FORMAT")
            assert label in monthly, label
        # closure reasons and outcomes: every reason a demo case closed for in the period, by its label
        outcomes = _section(text, _("Outcomes"), _("Staffing"))
        assert _("Why the cases closed") in outcomes and _("Risk level at closure") in outcomes
        codes = set(
            Case.objects.filter(contract=contract, closed_on__gte=contract.start, closed_on__lte=end)
            .exclude(closure_code="")
            .values_list("closure_code", flat=True)
        )
        assert codes, "the demo closes cases in the period"
        for code in codes:
            assert str(ClosureCode(code).label) in outcomes, code
        # referral outcomes: accepted, referred on, declined, still in triage
        assert _("What became of the referrals") in outcomes
        for label in (_("Accepted: a case was opened"), _("Referred on to another service"), _("Declined")):
            assert label in outcomes, label
        # staff, and the caseload of each worker (numbered, never named)
        staffing = _section(text, _("Staffing"), _("Against the previous period"))
        assert _("Social workers leading cases") in staffing and _("Average caseload per social worker") in staffing
        assert _("Cases they led at the end of the period") in staffing
        leading = (
            Case.objects.filter(contract=contract, opened_on__lte=end, lead_worker__isnull=False)
            .exclude(closed_on__lt=contract.start)
            .values("lead_worker")
            .distinct()
            .count()
        )
        # the demo has three workers leading cases: one row per worker, numbered, none named
        assert leading == 3
        for n in (1, 2, 3):
            assert _("Social worker %(n)s") % {"n": n} in staffing
        for worker in User.objects.filter(role="social_worker").values_list("full_name", flat=True):
            assert worker not in staffing, worker
        # this period against the previous one, of the same length
        comparison = _section(text, _("Against the previous period"), _("By town"))
        before_start, before_end = previous_period(contract.start, end)
        assert before_start.isoformat() in comparison and before_end.isoformat() in comparison
        assert _("This period") in comparison and _("Previous period") in comparison
