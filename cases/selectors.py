"""Reads of case files: every one starts from cases.permissions.cases_visible_to()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models import Case as SqlCase
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import case_workers_for
from cases.choices import HIGH_RISK, OPEN_STATUSES, RISK_ORDER, rank
from cases.due import visit_interval_days
from cases.models import Activity, Case, CaseFlag, CaseStatus, Child, RiskChange
from cases.permissions import CASE_ROW_RELATIONS, case_scope, cases_visible_to, may_read_sensitive, sees_all_cases
from core.pagination import NarrowList


def _visit_interval_days() -> SqlCase:
    return visit_interval_days()


CASELOAD_ORDER = ("-is_overdue", "-open_flag_count", "risk_rank", "next_visit_due", "pk")
RISK_RANK = rank("risk_level", RISK_ORDER)


def with_due_dates(cases: QuerySet[Case], *, today: dt.date | None = None) -> QuerySet[Case]:
    """Annotate overdue flag and risk rank; last and next visit and open flags are stored on the case."""
    today = today or timezone.localdate()
    return cases.annotate(
        last_visit=F("last_home_visit"),
        visit_interval=_visit_interval_days(),
        risk_rank=rank("risk_level", RISK_ORDER),
        is_overdue=ExpressionWrapper(Q(next_visit_due__lt=today), output_field=BooleanField()),
    )


def caseload_scope(user: User, *, worker: User | None = None, today: dt.date | None = None) -> QuerySet[Case]:
    """Narrow (no joins, no DISTINCT): the open cases the user works on, most urgent first.

    For a manager without ``worker``, every open case. "Works on" is lead worker or team member,
    selected as a UNION of ids, and always inside what the user may see (``case_scope``).
    """
    cases = case_scope(user).exclude(status=CaseStatus.CLOSED)
    target = worker or user
    if worker is not None or not sees_all_cases(user):
        works_on = (
            Case.objects.filter(lead_worker=target)
            .values("pk")
            .union(Case.team.through.objects.filter(user=target).values("case_id"))
        )
        cases = cases.filter(pk__in=works_on)
    return with_due_dates(cases, today=today).order_by(*CASELOAD_ORDER)


def _caseload_rows(ids: QuerySet[Case]) -> QuerySet[Case]:
    return (
        with_due_dates(ids.select_related(*CASE_ROW_RELATIONS))
        .prefetch_related(Prefetch("flags", queryset=CaseFlag.objects.filter(resolved_at__isnull=True)))
        .order_by(*CASELOAD_ORDER)
    )


def caseload_for(user: User, *, worker: User | None = None) -> NarrowList:
    """The caseload as a paginator-ready list: ids are counted (bounded), sorted and limited narrow,
    then only the page's rows are joined to child, place, worker and contract."""
    return NarrowList(caseload_scope(user, worker=worker), _caseload_rows, count_bound=CASELOAD_COUNT_BOUND)


CASELOAD_COUNT_BOUND = 10_000


def team_caseloads(user: User) -> QuerySet[User]:
    """Managers: each worker with the number of open cases they lead and how many are high risk."""
    open_q = Q(lead_cases__status__in=OPEN_STATUSES)
    return (
        case_workers_for(user)
        .annotate(
            open_cases=Count("lead_cases", filter=open_q),
            high_risk=Count("lead_cases", filter=open_q & Q(lead_cases__risk_level__in=HIGH_RISK)),
        )
        .order_by("-open_cases", "username")
    )


def case_search(user: User, query: str) -> QuerySet[Case]:
    """Search by child's name, case number, location or words in activity summaries — only visible cases."""
    query = query.strip()[:100]
    cases = cases_visible_to(user)
    if not query:
        return cases.none()
    summary_hit = Activity.objects.filter(case=OuterRef("pk"), summary__icontains=query)
    if not sees_all_cases(user):
        summary_hit = summary_hit.filter(Q(sensitive=False) | Q(case__lead_worker=user))
    return cases.filter(
        Q(child__name__icontains=query)
        | Q(number__icontains=query)
        | Q(child__location__name__icontains=query)
        | Exists(summary_hit)
    ).order_by("-opened_on", "-pk")[:50]


def children_for_autocomplete(user: User, query: str) -> list[dict[str, Any]]:
    query = query.strip()[:50]
    if len(query) < 1:
        return []
    visible = cases_visible_to(user).values("child_id")
    children = (
        Child.objects.filter(pk__in=visible, name__icontains=query).select_related("location").order_by("name")[:10]
    )
    return [
        {"id": c.pk, "name": c.name, "location": c.location.name if c.location else "", "birth_date": c.birth_date}
        for c in children
    ]


@dataclass
class TimelineEntry:
    """One line of a case's timeline. Apps above cases add their own lines through ``timeline_source``."""

    date: Any
    kind: str
    title: str
    text: str = ""
    sensitive: bool = False
    by: str = ""


TimelineSource = Callable[[User, Case], Iterable[TimelineEntry]]
TIMELINE_SOURCES: list[TimelineSource] = []


def timeline_source(source: TimelineSource) -> TimelineSource:
    """Register ``source(user, case) -> entries``: an app above cases (e.g. Promise First) adds its lines to
    every case timeline from its own ``timeline.py``, which ``CasesConfig.ready`` imports."""
    TIMELINE_SOURCES.append(source)
    return source


def case_timeline(user: User, case: Case) -> list[TimelineEntry]:
    """Everything that happened on a case, newest first: one query per source, none per row."""
    entries: list[TimelineEntry] = []
    activities = case.activities.select_related("recorded_by")
    if not may_read_sensitive(user, case):
        activities = activities.filter(sensitive=False)
    for a in activities:
        minutes = _("%(m)s min") % {"m": a.duration_minutes} if a.duration_minutes else ""
        entries.append(
            TimelineEntry(
                a.date,
                "activity",
                f"{a.get_kind_display()} {minutes}".strip(),
                a.summary,
                a.sensitive,
                str(a.recorded_by or ""),
            )
        )
    for r in RiskChange.objects.filter(case=case).select_related("changed_by"):
        entries.append(
            TimelineEntry(
                timezone.localtime(r.changed_at).date(),
                "risk",
                _("Risk level: %(a)s → %(b)s")
                % {"a": r.get_from_level_display() or "—", "b": r.get_to_level_display()},
                r.reason,
                by=str(r.changed_by or ""),
            )
        )
    history = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: str(f.verbose_name) for f in Case._meta.fields}
    for previous, record in zip(history, history[1:], strict=False):
        delta = record.diff_against(previous)
        changes = [c for c in delta.changes if c.field not in ("version", "updated_at")]
        if changes:
            text = "; ".join(f"{labels.get(c.field, c.field)}: {c.old or '—'} → {c.new or '—'}" for c in changes)
            entries.append(
                TimelineEntry(
                    timezone.localtime(record.history_date).date(),
                    "change",
                    _("Case file changed"),
                    text,
                    by=str(record.history_user or ""),
                )
            )
    if history:
        entries.append(TimelineEntry(case.opened_on, "opened", _("Case opened"), ""))
    for ref in case.referrals.all():
        entries.append(
            TimelineEntry(
                ref.received_on, "referral", _("Referral %(r)s received") % {"r": ref.reference}, ref.concerns
            )
        )
    for flag in case.flags.all():
        entries.append(
            TimelineEntry(timezone.localtime(flag.created_at).date(), "flag", _("Flag: %(m)s") % {"m": flag.message})
        )
    if case.closed_on:
        entries.append(TimelineEntry(case.closed_on, "closed", _("Case closed"), case.closure_reason))
    for source in TIMELINE_SOURCES:
        entries.extend(source(user, case))
    entries.sort(key=lambda e: e.date or dt.date.min, reverse=True)
    return entries
