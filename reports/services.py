"""Funder reports: asked for on a page or the API, generated in Celery with progress, kept privately."""

from __future__ import annotations

import datetime as dt
import io
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alliance.models import Sector
from cases.models import Category, FamilySituation, PresentingIssue, Sex
from core.audit import audit_log
from core.exports import safe_cell
from core.models import AuditAction, Contract
from core.outbox import enqueue
from referrals.models import Channel
from reports import charts, figures, labels
from reports.models import Report, ReportFormat, ReportStatus

log = logging.getLogger(__name__)
SUPPRESS_BELOW = 3  # small counts in a table cell could point at a child


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})


@transaction.atomic
def report_request(
    *,
    actor: User,
    start: dt.date,
    end: dt.date,
    contract: Contract | None = None,
    format: str = ReportFormat.PDF,
    language: str = "zh-hans",
    narrative: str = "",
    kind: str = "funder",
) -> Report:
    _check_period(start, end)
    if language not in ("zh-hans", "en"):
        raise ValidationError({"language": _("Choose Chinese or English.")})
    report = Report.objects.create(
        kind=kind,
        start=start,
        end=end,
        contract=contract,
        format=format,
        language=language,
        narrative=narrative.strip()[:5000],
        created_by=actor,
    )
    audit_log(action=AuditAction.CREATE, user=actor, obj=report)
    enqueue("reports.tasks.generate_report", report.pk)
    return report


def _progress(report: Report, value: int, status: str = ReportStatus.RUNNING) -> None:
    Report.objects.filter(pk=report.pk).update(progress=value, status=status)


def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for choices in (Sector, Channel, PresentingIssue, FamilySituation, Category, Sex):
        labels.update({code: str(label) for code, label in choices.choices})
    labels.update({"unknown": _("Not recorded"), "outreach": _("Outreach (no referral)"), "18+": _("18 and over")})
    return labels


def value_labels() -> dict[str, str]:
    """Labels for the codes that appear inside the summary's tables (sectors, channels, issues ...)."""
    return _labels()


def _table(counts: dict[str, int], labels: dict[str, str], *, order: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows largest first, or in a natural order (age bands read youngest to oldest, unknown last)."""
    if order is not None:
        rows = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    else:
        rows = sorted(counts.items(), key=lambda kv: -kv[1])
    return [
        {"label": labels.get(code, code), "n": n, "shown": (f"<{SUPPRESS_BELOW}" if 0 < n < SUPPRESS_BELOW else str(n))}
        for code, n in rows
    ]


def report_context(summary: dict[str, Any], report: Report | None = None) -> dict[str, Any]:
    labels = _labels()
    cases = summary["cases"]
    bands = [label for label, _low, _high in figures.AGE_BANDS] + ["unknown"]
    tables = {
        key: _table(cases[key], labels, order=bands if key == "by_age_band" else None)
        for key in (
            "by_referral_source",
            "by_presenting_issue",
            "by_family_situation",
            "by_category",
            "by_sex",
            "by_age_band",
        )
    }
    value = summary["promise_first"]["value"]
    value_rows = [
        (
            str(labels.get(k, k))
            if k not in ("money", "goods", "service")
            else {"money": _("Money"), "goods": _("Goods"), "service": _("Service")}[k],
            float(value[k]),
        )
        for k in ("money", "goods", "service")
    ]
    return {
        "summary": summary,
        "report": report,
        "tables": tables,
        "suppress_below": SUPPRESS_BELOW,
        "charts": {
            "source": charts.bar_chart(
                [(row["label"], row["n"]) for row in tables["by_referral_source"]], title=_("Cases by referral source")
            ),
            "issue": charts.bar_chart(
                [(row["label"], row["n"]) for row in tables["by_presenting_issue"]],
                title=_("Cases by presenting issue"),
            ),
            "value": charts.bar_chart(value_rows, title=_("Value given through Promise First (yuan)")),
        },
        "generated_at": timezone.localtime(),
    }


def render_pdf(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/pdf.html", context)
    return bytes(HTML(string=html).write_pdf())


def _sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(ch for ch in str(text) if ch not in "[]:*?/\\")[:31] or "Sheet"


def _finish_sheet(sheet: Any, widths: list[int]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def render_xlsx(summary: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The funder workbook: named sheets in the reader's language, widths, frozen headers, real dates."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Summary"))
    sheet.append([_("Section"), _("Figure"), _("Value"), _("Code")])
    start, end = (dt.date.fromisoformat(summary["period"][k]) for k in ("start", "end"))
    for label, value in ((_("Period start"), start), (_("Period end"), end)):
        sheet.append([_("Period"), label, value, ""])
        sheet.cell(row=sheet.max_row, column=3).number_format = "yyyy-mm-dd"
    names = value_labels()
    for section, figure, value, code in labels.summary_rows(summary, names):
        if code.startswith("cases.by_"):
            continue  # the tables have their own sheets
        number = float(value) if isinstance(value, str) and value.replace(".", "", 1).isdigit() else value
        sheet.append([section, figure, number, code])
    _finish_sheet(sheet, [14, 40, 16, 34])
    for key, rows in context["tables"].items():
        table = book.create_sheet(_sheet_title(labels.figure_label(f"cases.{key}")))
        table.append([_("Group"), _("Cases")])
        for row in rows:
            table.append([safe_cell(row["label"]), row["n"] if row["shown"] == str(row["n"]) else row["shown"]])
        _finish_sheet(table, [30, 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_generate(*, report_id: int) -> Report:
    """Compute, render and store one report, moving its progress from 0 to 100. Idempotent when done."""
    report = Report.objects.select_related("contract").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    try:
        _progress(report, 10)
        with translation.override(report.language):
            summary = figures.summary(report.start, report.end, report.contract)
            _progress(report, 40)
            context = report_context(summary, report)
            _progress(report, 60)
            if report.format == ReportFormat.XLSX:
                content, extension = render_xlsx(summary, context), "xlsx"
            else:
                content, extension = render_pdf(context), "pdf"
        _progress(report, 90)
        report.file.save(f"report-{report.pk}.{extension}", ContentFile(content), save=False)
        Report.objects.filter(pk=report.pk).update(
            file=report.file.name, status=ReportStatus.DONE, progress=100, finished_at=timezone.now(), error=""
        )
    except Exception as exc:
        log.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error=str(exc)[:1000])
        raise
    report.refresh_from_db()
    return report
