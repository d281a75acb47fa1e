"""The funder PDF made from the demo (issue 14, "done when"): every section is there, with the demo's own
figures, and it names no child and no village."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Child
from core.models import Contract, Location
from reports.models import Report
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
    villages = Location.objects.filter(kind__in=("village", "community")).values_list("name", flat=True)
    for secret in [
        *Child.objects.values_list("name", flat=True),
        *villages,
        *Case.objects.values_list("number", flat=True),
    ]:
        assert secret not in text, secret
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "demo-funder-report.pdf").write_bytes(path.read_bytes())
