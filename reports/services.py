"""Funder reports: asked for on a page or the API, generated in Celery with progress, kept privately."""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from alliance.models import Sector
from cases.models import Category, ClosureCode, EntitlementKind, FamilySituation, PresentingIssue, Sex
from core.audit import audit_log
from core.celery_base import is_retryable
from core.exports import safe_cell
from core.models import AuditAction, Contract
from core.outbox import enqueue
from core.replica import primary_position, replica_reads
from programmes.models import ProgrammeKind
from referrals.models import Channel
from reports import charts, figures, labels, suppression
from reports.models import FailureReason, Report, ReportFormat, ReportStatus
from reports.permissions import figure_scope_for
from reports.sections import report_sections

log = logging.getLogger(__name__)
SUPPRESS_BELOW = suppression.SUPPRESS_BELOW  # small counts could point at a child (reports.suppression)


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"end": _("The end date cannot be before the start date.")})


def narrative_findings(narrative: str, start: dt.date, end: dt.date, contract: Contract | None = None) -> list[Any]:
    """What in a report's narrative could identify a child: any child's name in any spelling, the
    given names and household of the children served in the period, phone, ID and case numbers."""
    from cases.identifying import find_identifying
    from cases.models import Child, HouseholdMember

    if not narrative.strip():
        return []
    served = figures.cases_in_period(start, end, contract).values("child_id")
    return find_identifying(
        narrative,
        names=Child.objects.values_list("name", flat=True).iterator(),
        given_names_of=Child.objects.filter(pk__in=served).values_list("name", flat=True),
        household_names=HouseholdMember.objects.filter(child_id__in=served).values_list("name", flat=True),
    )


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
    suppression.check_period(actor, start, end)
    findings = narrative_findings(narrative, start, end, contract)
    if findings:
        from cases.identifying import refusal

        raise ValidationError({"narrative": refusal(findings, reader=_("The funder"))})
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
    for choices in (Sector, Channel, PresentingIssue, FamilySituation, Category, Sex, ProgrammeKind, EntitlementKind):
        labels.update({code: str(label) for code, label in choices.choices})
    labels.update({"unknown": _("Not recorded"), "outreach": _("Outreach (no referral)"), "18+": _("18 and over")})
    return labels


def programme_figure_rows(group: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) for each group-services figure, in the summary's order (already suppressed for funders)."""
    rows: list[tuple[str, Any]] = []
    names = _labels()
    for key, value in group.items():
        if isinstance(value, dict):
            rows += [(labels.figure_label(f"programmes.{key}.{kind}", names), n) for kind, n in value.items()]
        else:
            rows.append((labels.figure_label(f"programmes.{key}"), value))
    return rows


def entitlement_rows(shown: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per entitlement kind for the PDF: its label, the cases with it claimed and granted
    (``shown`` is the summary for display: a suppressed count already reads "<3")."""
    section = shown.get("entitlements") or {}
    claimed, granted = section.get("claimed") or {}, section.get("granted") or {}
    names = _labels()
    return [
        {"label": names.get(kind, kind), "claimed": n, "granted": granted.get(kind, 0)} for kind, n in claimed.items()
    ]


def value_labels() -> dict[str, str]:
    """Labels for the codes that appear inside the summary's tables (sectors, channels, issues ...)."""
    return _labels()


def _table(
    counts: dict[str, int | None], labels: dict[str, str], *, order: list[str] | None = None
) -> list[dict[str, Any]]:
    """Rows largest first, or in a natural order (age bands read youngest to oldest, unknown last).
    A suppressed count (``None``, funders) reads "<3" and sorts as 1; exact counts read as they are."""
    if order is not None:
        rows = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    else:
        rows = sorted(counts.items(), key=lambda kv: -(kv[1] if kv[1] is not None else 1))
    return [
        {"label": labels.get(code, code), "n": n, "shown": suppression.SHOWN if n is None else str(n)}
        for code, n in rows
    ]


def _chart_rows(rows: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """A suppressed count has no bar (its length would give it away)."""
    return [(row["label"], row["n"]) for row in rows if row["n"] is not None]


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    return str(value)


def _change(current: Any, previous: Any) -> str:
    """The change from the previous period; none where either side is hidden (it would give it back)."""
    if current is None or previous is None:
        return "—"
    diff = Decimal(str(current)) - Decimal(str(previous))
    return f"+{diff:,}" if diff > 0 else f"{diff:,}"


# Lazy: the labels are read when a report is rendered, in the report's language (a plain gettext here
# froze them in the language of the import).
COMPARED = {
    "cases_total": gettext_lazy("Cases served"),
    "cases_opened": gettext_lazy("Cases opened"),
    "cases_closed": gettext_lazy("Cases closed"),
    "referrals_received": gettext_lazy("Referrals received"),
    "home_visits": gettext_lazy("Home visits"),
    "fulfilled_requests": gettext_lazy("Promise First requests fulfilled"),
    "volunteer_hours": gettext_lazy("Volunteer hours"),
    "value_total": gettext_lazy("Value given through Promise First (yuan)"),
}


def _bucket_label(key: str, unit: str) -> str:
    from django.utils.formats import date_format

    if unit == "year":
        return key
    year, month = (int(part) for part in key.split("-"))
    return date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT")


def sections_context(sections: dict[str, Any], report: Report | None = None) -> dict[str, Any]:
    """The further sections of the PDF as rows (``sections`` from ``reports.sections.report_sections``,
    already suppressed for a funder): a suppressed count reads "<3"."""
    from core.models import Location

    shown = suppression.for_display(sections)
    unit = sections["period"]["unit"]
    monthly = shown["monthly"]
    month_rows = [
        {
            "label": _bucket_label(key, unit),
            **{figure: monthly[figure][key] for figure in ("opened", "closed", "referrals", "home_visits")},
        }
        for key in monthly["opened"]
    ]
    opened_bars = [(_bucket_label(key, unit), n) for key, n in sections["monthly"]["opened"].items() if n is not None]
    outcomes = shown["outcomes"]
    reasons = {code: str(label) for code, label in ClosureCode.choices} | {"unknown": _("Not recorded")}
    referral_labels = {
        "accepted": _("Accepted: a case was opened"),
        "referred_on": _("Referred on to another service"),
        "declined": _("Declined"),
        "pending": _("Still being triaged"),
    }
    risk_labels = {"reduced": _("Risk reduced"), "unchanged": _("Risk unchanged"), "raised": _("Risk raised")}
    towns = shown["by_town"]
    ids = [int(key) for key in towns["cases"] if key != "unknown"]
    names = dict(Location.objects.filter(pk__in=ids).values_list("pk", "name"))
    staffing = shown["staffing"]
    previous = shown["previous"]
    return {
        "sections": shown,
        "period_unit": unit,
        "month_rows": month_rows,
        "closure_rows": [(reasons.get(code, code), n) for code, n in outcomes["by_reason"].items()],
        "risk_rows": [(risk_labels[key], n) for key, n in outcomes["risk"].items()],
        "referral_outcome_rows": [(referral_labels[key], n) for key, n in outcomes["referrals"].items()],
        # one row per worker would tell how many they are: none when that count is hidden
        "caseload_rows": []
        if sections["staffing"]["workers"] is None
        else [(_("Social worker %(n)s") % {"n": number}, n) for number, n in staffing["caseload"].items()],
        "goals_met_pct": _shown(sections["outcomes"]["goals_met_pct"]),
        "risk_reduced_pct": _shown(sections["outcomes"]["risk_reduced_pct"]),
        "average_caseload": _shown(sections["staffing"]["average_caseload"]),  # hidden: "—", not "<3"
        "comparison_rows": [
            {
                "label": str(label),
                "current": shown["current"][key],
                "previous": previous[key],
                "change": _change(sections["current"][key], sections["previous"][key]),
                "money": key == "value_total",
            }
            for key, label in COMPARED.items()
        ],
        "town_rows": [
            {
                "label": names.get(int(key), _("Not recorded")) if key != "unknown" else _("Not recorded"),
                "cases": n,
                "referrals": towns["referrals"][key],
                "home_visits": towns["home_visits"][key],
            }
            for key, n in towns["cases"].items()
        ],
        "monthly_chart": charts.bar_chart(
            opened_bars, title=_("Cases opened per month") if unit == "month" else _("Cases opened per year")
        ),
    }


def _organisation_name(report: Report | None) -> str:
    if report is not None and report.contract is not None:
        return report.contract.organisation.name
    if report is not None and report.created_by is not None and report.created_by.organisation_id:
        return report.created_by.organisation.name
    return ""


def report_context(
    summary: dict[str, Any], report: Report | None = None, sections: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the PDF and the dashboard show: ``summary["summary"]`` reads "<3" for each suppressed count.
    With ``sections`` (``reports.sections.report_sections``) the PDF gains its further sections."""
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
    shown = suppression.for_display(summary)
    return {
        "summary": shown,
        "report": report,
        "tables": tables,
        "suppress_below": SUPPRESS_BELOW,
        "programme_rows": programme_figure_rows(shown.get("programmes") or {}),
        "entitlement_rows": entitlement_rows(shown),
        "charts": {
            "source": charts.bar_chart(_chart_rows(tables["by_referral_source"]), title=_("Cases by referral source")),
            "issue": charts.bar_chart(
                _chart_rows(tables["by_presenting_issue"]),
                title=_("Cases by presenting issue"),
            ),
            "value": charts.bar_chart(value_rows, title=_("Value given through Promise First (yuan)")),
        },
        "generated_at": timezone.localtime(),
        "organisation_name": _organisation_name(report),
        **(sections_context(sections, report) if sections is not None else {}),
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


def _number(value: Any) -> Any:
    """A figure as a spreadsheet cell: "12.5" a number; a hidden figure ("<3", "—") as it reads."""
    return float(value) if isinstance(value, str) and value.replace(".", "", 1).isdigit() else value


def _section_sheets(book: Any, context: dict[str, Any]) -> None:
    """The PDF's further sections as sheets (per month, outcomes, staffing, by town), from the same
    rows as the PDF (``sections_context``): already suppressed for a funder, so a hidden count reads
    "<3" and a hidden share or average "—"."""
    shown = context["sections"]
    by_month = context["period_unit"] == "month"
    sheet = book.create_sheet(_sheet_title(_("Month by month") if by_month else _("Year by year")))
    first = _("Month") if by_month else _("Year")
    sheet.append([first, _("Cases opened"), _("Cases closed"), _("Referrals received"), _("Home visits")])
    for row in context["month_rows"]:
        sheet.append([row["label"], row["opened"], row["closed"], row["referrals"], row["home_visits"]])
    _finish_sheet(sheet, [16, 14, 14, 16, 12])

    outcomes = shown["outcomes"]
    sheet = book.create_sheet(_sheet_title(_("Outcomes")))
    sheet.append([_("Section"), _("Figure"), _("Value")])
    for label, value in (
        (_("Cases closed"), outcomes["closed"]),
        (_("Care plan goals met"), outcomes["goals_met"]),
        (_("Care plan goals met (%)"), context["goals_met_pct"]),
        (_("Closed at a lower risk level"), outcomes["risk_reduced"]),
        (_("Closed at a lower risk level (%)"), context["risk_reduced_pct"]),
    ):
        sheet.append([_("Outcomes"), label, _number(value)])
    for section, rows in (
        (_("Why the cases closed"), context["closure_rows"]),
        (_("Risk level at closure"), context["risk_rows"]),
        (_("What became of the referrals"), context["referral_outcome_rows"]),
    ):
        for label, value in rows:
            sheet.append([section, label, value])
    _finish_sheet(sheet, [22, 36, 12])

    staffing = shown["staffing"]
    sheet = book.create_sheet(_sheet_title(_("Staffing")))
    sheet.append([_("Figure"), _("Value")])
    for label, value in (
        (_("Social workers leading cases"), staffing["workers"]),
        (_("Cases they led at the end of the period"), staffing["cases_led_at_end"]),
        (_("Average caseload per social worker"), context["average_caseload"]),
        (_("Volunteers who logged time"), staffing["volunteers_active"]),
        (_("Volunteer hours"), staffing["volunteer_hours"]),
        *context["caseload_rows"],
    ):
        sheet.append([label, _number(value)])
    _finish_sheet(sheet, [36, 12])

    sheet = book.create_sheet(_sheet_title(_("By town")))
    sheet.append([_("Town"), _("Cases served"), _("Referrals received"), _("Home visits")])
    for row in context["town_rows"]:
        sheet.append([safe_cell(row["label"]), row["cases"], row["referrals"], row["home_visits"]])
    _finish_sheet(sheet, [20, 14, 16, 12])


def render_xlsx(summary: dict[str, Any], context: dict[str, Any]) -> bytes:
    """The funder workbook: named sheets in the reader's language, widths, frozen headers, real dates;
    with the PDF's further sections when ``context`` has them (``report_context(..., sections)``)."""
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
    for section, figure, value, code in labels.summary_rows(suppression.for_display(summary), names):
        if code.startswith("cases.by_"):
            continue  # the tables have their own sheets
        sheet.append([section, figure, _number(value), code])
    _finish_sheet(sheet, [14, 40, 16, 34])
    for key, rows in context["tables"].items():
        table = book.create_sheet(_sheet_title(labels.figure_label(f"cases.{key}")))
        table.append([_("Group"), _("Cases")])
        for row in rows:
            table.append([safe_cell(row["label"]), row["shown"] if row["n"] is None else row["n"]])
        _finish_sheet(table, [30, 12])
    if "month_rows" in context:
        _section_sheets(book, context)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _settings(key: str, default: float) -> float:
    return float(getattr(settings, "SHOUHU", {}).get(key, default))


def heartbeat_seconds() -> float:
    return _settings("REPORT_HEARTBEAT_SECONDS", 10)


def stale_after() -> dt.timedelta:
    """A running report silent this long has lost its worker."""
    return dt.timedelta(seconds=_settings("REPORT_STALE_SECONDS", 120))


class _Heartbeat(threading.Thread):
    """Proves the worker is alive while one long step (WeasyPrint) runs; dies with the process."""

    def __init__(self, report_id: int, token: str) -> None:
        super().__init__(name=f"report-{report_id}-heartbeat", daemon=True)
        self.report_id, self.token, self.stopped = report_id, token, threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    Report.objects.filter(pk=self.report_id, run_token=self.token).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - a database blip: try again at the next beat
                    connection.close()
        finally:
            connection.close()


def _claim(report_id: int, token: str) -> bool:
    """Take the report for this run: queued, already ours (a retry), or running but silent."""
    now = timezone.now()
    mine = Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING, run_token=token)
    silent = Q(status=ReportStatus.RUNNING) & (Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at=None))
    return bool(
        Report.objects.filter(pk=report_id)
        .filter(mine | silent)
        .update(status=ReportStatus.RUNNING, run_token=token, heartbeat_at=now, progress=0, failure_reason="")
    )


def _drill_pause() -> None:
    # Failure drills (tests/drills) slow a report down so a worker can be killed in the middle of it.
    pause = _settings("DRILL_REPORT_PAUSE_SECONDS", 0)
    if pause:
        time.sleep(pause)


def report_generate(*, report_id: int, token: str = "") -> Report:
    """Compute, render and store one report, moving its progress from 0 to 100. Idempotent when done.

    Database and broker errors propagate (the task retries them); only other errors fail the report
    here. The file has one fixed name per report, so a re-run after a crash replaces it, never adds one.
    """
    token = token or uuid.uuid4().hex
    report = Report.objects.select_related("contract").get(pk=report_id)
    if report.status == ReportStatus.DONE or not _claim(report_id, token):
        report.refresh_from_db()
        return report
    mine = Report.objects.filter(pk=report.pk, run_token=token)

    def progress(value: int) -> None:
        mine.update(progress=value, heartbeat_at=timezone.now())

    beat = _Heartbeat(report.pk, token)
    beat.start()
    try:
        progress(10)
        with translation.override(report.language):
            # On the read replica when there is one and it has caught up with the primary.
            with replica_reads(fresh_as_of=primary_position()):
                summary = figures.summary(
                    report.start,
                    report.end,
                    report.contract,
                    for_funder=True,
                    scope=figure_scope_for(report.created_by),
                )
            progress(40)
            _drill_pause()
            extra = report_sections(
                report.start, report.end, report.contract, for_funder=True, scope=figure_scope_for(report.created_by)
            )
            context = report_context(summary, report, extra)
            progress(60)
            _drill_pause()
            if report.format == ReportFormat.XLSX:
                content, extension = render_xlsx(summary, context), "xlsx"
            else:
                content, extension = render_pdf(context), "pdf"
        progress(90)
        name = f"reports/report-{report.pk}.{extension}"
        storage = report.file.storage
        if storage.exists(name):
            storage.delete(name)  # a crashed earlier run's file: replaced, so one file per report
        saved = storage.save(name, ContentFile(content))
        mine.update(
            file=saved,
            status=ReportStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            error="",
            failure_reason="",
        )
    except Exception as exc:
        if is_retryable(exc):
            log.warning("report %s: %s; the task will retry", report.pk, exc)
            raise
        log.exception("report %s failed", report.pk)
        mine.update(status=ReportStatus.FAILED, error=str(exc)[:1000], failure_reason=FailureReason.ERROR)
        raise
    finally:
        beat.stopped.set()
    report.refresh_from_db()
    return report


def report_mark_failed(*, report_id: int, reason: str, error: str = "") -> None:
    """The last word on a report that cannot be made: failed, with a reason the user can act on."""
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, failure_reason=reason, error=error[:1000], heartbeat_at=None
    )


@transaction.atomic
def report_retry(*, actor: User, report: Report) -> Report:
    """The retry button: a failed report is queued again from zero."""
    if report.status != ReportStatus.FAILED:
        raise ValidationError(_("Only a failed report can be tried again."))
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.QUEUED,
        progress=0,
        attempts=0,
        error="",
        failure_reason="",
        run_token="",
        heartbeat_at=None,
        updated_at=timezone.now(),
    )
    audit_log(action=AuditAction.UPDATE, user=actor, obj=report, detail={"retry": True})
    enqueue("reports.tasks.generate_report", report.pk)
    report.refresh_from_db()
    return report


def reports_recover(now: dt.datetime | None = None, max_attempts: int = 3) -> dict[str, int]:
    """The sweep: a running report gone silent is re-queued (or failed after ``max_attempts``);
    a report queued for more than five minutes is sent again (or failed). Returns what it did."""
    now = now or timezone.now()
    done = {"requeued": 0, "failed": 0}
    silent = Report.objects.filter(status=ReportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=now - stale_after()) | Q(heartbeat_at=None, updated_at__lt=now - stale_after())
    )
    waiting = Report.objects.filter(status=ReportStatus.QUEUED, updated_at__lt=now - dt.timedelta(minutes=5))
    for queryset, reason in ((silent, FailureReason.WORKER_LOST), (waiting, FailureReason.NOT_STARTED)):
        for report in queryset[:100]:
            with transaction.atomic():
                if report.attempts + 1 >= max_attempts:
                    report_mark_failed(report_id=report.pk, reason=reason)
                    done["failed"] += 1
                    continue
                changed = (
                    Report.objects.filter(pk=report.pk, status=report.status, run_token=report.run_token)
                    .filter(Q(heartbeat_at=report.heartbeat_at))
                    .update(
                        status=ReportStatus.QUEUED,
                        progress=0,
                        attempts=report.attempts + 1,
                        run_token="",
                        heartbeat_at=None,
                        updated_at=now,
                    )
                )
                if changed:
                    enqueue("reports.tasks.generate_report", report.pk)
                    done["requeued"] += 1
    return done
