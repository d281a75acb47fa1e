"""Reads of case files: every one starts from cases.permissions.cases_visible_to()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import case_workers_for
from cases.choices import HIGH_RISK, RISK_ORDER, rank
from cases.due import visit_interval_days
from cases.models import Activity, Case, CaseFlag, CaseStatus, Child, RiskChange
from cases.permissions import CASE_ROW_RELATIONS, case_scope, cases_visible_to, may_read_sensitive, sees_all_cases
from core.figures_row import count_of, json_rows_of, json_values_of, one_row
from core.models import Contract, Location
from core.pagination import NarrowList
from core.permissions import contracts_visible_to
from core.search_keys import search_terms


def _visit_interval_days() -> SqlCase:
    return visit_interval_days()


# Overdue first, then due today, then most flags, most urgent risk, soonest visit.
CASELOAD_GROUPS = ("-is_overdue", "-is_due_today")
CASELOAD_ORDER = (*CASELOAD_GROUPS, "-open_flag_count", "risk_rank", "next_visit_due", "pk")
RISK_RANK = rank("risk_level", RISK_ORDER)

# ``?sort=`` of the caseload: a column, ascending or (``-``) descending, inside the due groups.
CASELOAD_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("child__name",),
    "number": ("number",),
    "risk": ("risk_rank",),
    "due": ("next_visit_due",),
    "opened": ("opened_on",),
}


def caseload_order(sort: str = "") -> tuple[str, ...]:
    """The caseload's ORDER BY for ``sort`` (unknown or empty: the default, most urgent first)."""
    column = sort.removeprefix("-")
    if column not in CASELOAD_SORTS:
        return CASELOAD_ORDER
    fields = CASELOAD_SORTS[column]
    if sort.startswith("-"):
        fields = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields)
    return (*CASELOAD_GROUPS, *fields, "pk")


def with_due_dates(cases: QuerySet[Case], *, today: dt.date | None = None) -> QuerySet[Case]:
    """Annotate overdue and due-today flags; last and next visit, open flags and the risk rank are
    stored on the case."""
    today = today or timezone.localdate()
    return cases.annotate(
        last_visit=F("last_home_visit"),
        visit_interval=_visit_interval_days(),
        is_overdue=ExpressionWrapper(Q(next_visit_due__lt=today), output_field=BooleanField()),
        is_due_today=ExpressionWrapper(Q(next_visit_due=today), output_field=BooleanField()),
    )


@dataclass(frozen=True)
class CaseloadFilters:
    """What a caseload may be narrowed to: all optional, all inside what the user may see."""

    status: str = ""
    risk: str = ""
    village: int | None = None
    due: str = ""  # "today", "overdue" or "week" (today and the six days after)
    query: str = ""
    sort: str = ""


DUE_FILTERS = ("today", "overdue", "week")


def search_filter(query: str, *, prefix: str = "") -> Q | None:
    """Rows whose child's name or village, or whose case number, matches ``query`` by characters,
    traditional characters, toneless pinyin (homophones too) or pinyin initials. ``prefix`` is the
    path from the queried model to the case (``"case__"``); ``None`` for an empty query."""
    terms = search_terms(query[:100])
    if not terms:
        return None
    found = Q(**{f"{prefix}number__icontains": query.strip()[:100]})
    for term in terms:
        found |= Q(**{f"{prefix}child__search_key__contains": term})
        found |= Q(**{f"{prefix}child__location__search_key__contains": term})
    return found


def _filtered(cases: QuerySet[Case], filters: CaseloadFilters, today: dt.date) -> QuerySet[Case]:
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.risk:
        cases = cases.filter(risk_level=filters.risk)
    if filters.village:
        cases = cases.filter(child__location_id=filters.village)
    if filters.due == "today":
        cases = cases.filter(next_visit_due=today)
    elif filters.due == "overdue":
        cases = cases.filter(next_visit_due__lt=today)
    elif filters.due == "week":
        cases = cases.filter(next_visit_due__gte=today, next_visit_due__lte=today + dt.timedelta(days=6))
    found = search_filter(filters.query)
    if found is not None:
        cases = cases.filter(found)
    return cases


def caseload_scope(
    user: User,
    *,
    worker: User | None = None,
    today: dt.date | None = None,
    filters: CaseloadFilters | None = None,
) -> QuerySet[Case]:
    """Narrow (no DISTINCT; joins only for a name sort, a village or a search): the open cases the
    user works on, overdue and due today first, then most urgent.

    For a manager without ``worker``, every open case. "Works on" is lead worker or team member,
    selected as a UNION of ids, and always inside what the user may see (``case_scope``).
    """
    today = today or timezone.localdate()
    filters = filters or CaseloadFilters()
    cases = case_scope(user).exclude(status=CaseStatus.CLOSED)
    target = worker or user
    if worker is not None or not sees_all_cases(user):
        works_on = (
            Case.objects.filter(lead_worker=target)
            .values("pk")
            .union(Case.team.through.objects.filter(user=target).values("case_id"))
        )
        cases = cases.filter(pk__in=works_on)
    cases = _filtered(cases, filters, today)
    return with_due_dates(cases, today=today).order_by(*caseload_order(filters.sort))


def caseload_groups(today: dt.date) -> tuple[Q, Q, Q]:
    """The caseload's due groups as ranges of the stored next visit due: overdue, today, later."""
    return (
        Q(next_visit_due__lt=today),
        Q(next_visit_due=today),
        Q(next_visit_due__gt=today) | Q(next_visit_due__isnull=True),
    )


def caseload_due_counts(user: User, *, worker: User | None = None) -> dict[str, int]:
    """How many of the (unfiltered) caseload's cases are overdue and due today: one query."""
    today = timezone.localdate()
    scope = caseload_scope(user, worker=worker, today=today)
    overdue, due_today, _later = caseload_groups(today)
    return one_row(overdue=count_of(scope.filter(overdue)), today=count_of(scope.filter(due_today)))


def caseload_villages(user: User, *, worker: User | None = None) -> QuerySet[Location]:
    """The places of the children on the caseload: the village filter's choices (one query)."""
    children = caseload_scope(user, worker=worker).order_by().values("child__location_id")
    return Location.objects.filter(pk__in=children).order_by("name", "pk")


@dataclass(frozen=True)
class OpenFlag:
    message: str
    due_on: dt.date | None


@dataclass
class CaseloadOverview:
    """The caseload page's figures beside its rows, read in one statement (``caseload_overview``)."""

    overdue: int
    today: int
    villages: list[Location]
    count: int  # of the filtered list, at most CASELOAD_COUNT_BOUND + 1
    team: list[TeamMember] | None = None  # managers: each worker's open and high-risk cases
    contract: Contract | None = None  # managers: the current contract, ``case_count`` its number of cases

    @property
    def due_counts(self) -> dict[str, int]:
        return {"overdue": self.overdue, "today": self.today}


def caseload_overview(
    user: User,
    *,
    worker: User | None = None,
    filters: CaseloadFilters | None = None,
    with_team: bool = False,
) -> CaseloadOverview:
    """The due counts and the village filter's choices of the unfiltered caseload, the (bounded)
    count of the filtered one and, ``with_team``, a manager's team table and current contract: one
    statement, each figure an index-supported subquery of its own."""
    today = timezone.localdate()
    scope = caseload_scope(user, worker=worker, today=today)
    overdue, due_today, _later = caseload_groups(today)
    children = scope.order_by().values("child__location_id")
    parts = {
        "overdue": count_of(scope.filter(overdue)),
        "today": count_of(scope.filter(due_today)),
        "villages": json_rows_of(Location.objects.filter(pk__in=children).order_by("name", "pk"), id="pk", name="name"),
        "n": count_of(caseload_scope(user, worker=worker, today=today, filters=filters), bound=CASELOAD_COUNT_BOUND),
    }
    if with_team:
        parts["workers"] = json_rows_of(
            case_workers_for(user).order_by("username"), id="pk", username="username", full_name="full_name"
        )
        parts["team"] = json_values_of(_open_cases_per_lead(user))
        contract_cases = Case.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
        parts["contract"] = json_rows_of(
            contracts_visible_to(user).filter(start__lte=today, end__gte=today).order_by("-start")[:1],
            id="pk",
            name="name",
            caseload_target="caseload_target",
            cases=Coalesce(Subquery(contract_cases.annotate(n=Count("*")).values("n")), Value(0)),
        )
    row = one_row(**parts)
    overview = CaseloadOverview(
        overdue=row["overdue"],
        today=row["today"],
        villages=[Location(pk=v["id"], name=v["name"]) for v in row["villages"]],
        count=row["n"],
    )
    if with_team:
        overview.team = _team_table(row["workers"], row["team"])
        for c in row["contract"]:
            overview.contract = Contract(pk=c["id"], name=c["name"], caseload_target=c["caseload_target"])
            overview.contract.case_count = c["cases"]  # type: ignore[attr-defined]
    return overview


def _open_flags_json() -> Subquery:
    flags = CaseFlag.objects.filter(case=OuterRef("pk"), resolved_at__isnull=True).order_by().values("case")
    listed = JSONBAgg(JSONObject(message="message", due_on="due_on"), order_by=("due_on", "pk"))
    return Subquery(flags.annotate(listed=listed).values("listed"), output_field=JSONField())


def _caseload_rows(ids: QuerySet[Case], order: tuple[str, ...] = CASELOAD_ORDER) -> QuerySet[Case]:
    """The page's rows, each with its open flags as JSON (``open_flags``) in the same statement."""
    return (
        with_due_dates(ids.select_related(*CASE_ROW_RELATIONS))
        .annotate(open_flags_json=_open_flags_json())
        .order_by(*order)
    )


def open_flags(case: Case) -> list[OpenFlag]:
    """A caseload row's open flags (read with the row by ``_caseload_rows``)."""
    listed = getattr(case, "open_flags_json", None) or []
    return [OpenFlag(f["message"], dt.date.fromisoformat(f["due_on"]) if f["due_on"] else None) for f in listed]


def caseload_for(
    user: User, *, worker: User | None = None, filters: CaseloadFilters | None = None, count: int | None = None
) -> NarrowList:
    """The caseload as a paginator-ready list: ids are counted (bounded), sorted and limited narrow,
    then only the page's rows are joined to child, place, worker and contract.

    The due groups (overdue, today, later) are ranges of ``next_visit_due``: a page reads each
    group's first rows in the order inside the groups (``NarrowList(groups=...)``), which for the
    default order is ``case_open_org_urgency_idx`` (a manager's every open case is not sorted).
    ``count``: already counted (``caseload_overview``)."""
    filters = filters or CaseloadFilters()
    today = timezone.localdate()
    order = caseload_order(filters.sort)
    inside_groups = order[len(CASELOAD_GROUPS) :]
    narrow = caseload_scope(user, worker=worker, filters=filters, today=today).order_by(*inside_groups)
    return NarrowList(
        narrow,
        lambda ids: _caseload_rows(ids, order),
        count_bound=CASELOAD_COUNT_BOUND,
        groups=caseload_groups(today),
        count=count,
    )


CASELOAD_COUNT_BOUND = 10_000


def _open_cases_per_lead(user: User) -> QuerySet[Any, dict[str, Any]]:
    """Per lead worker of the user's organisation: open cases and how many are high risk (one grouped
    index-only read of ``case_open_lead_rank_idx``)."""
    high = [RISK_ORDER[level] for level in HIGH_RISK]
    return (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(lead_worker__in=case_workers_for(user).values("pk"))
        .order_by()
        .values(lead=F("lead_worker"))
        .annotate(open_cases=Count("lead_worker"), high_risk=Count("risk_rank", filter=Q(risk_rank__in=high)))
    )


@dataclass(frozen=True)
class TeamMember:
    """A row of the managers' team table (a plain value: a city's team is a thousand rows)."""

    pk: int
    username: str
    full_name: str
    open_cases: int
    high_risk: int

    def __str__(self) -> str:  # as User.__str__
        return self.full_name or self.username


def _team_table(workers: list[dict[str, Any]], counts: list[dict[str, Any]]) -> list[TeamMember]:
    """Each worker (by username) with their counts, most open cases first (the sort is stable)."""
    per_lead = {c["lead"]: c for c in counts}
    team = [
        TeamMember(
            w["id"],
            w["username"],
            w["full_name"],
            per_lead.get(w["id"], {}).get("open_cases", 0),
            per_lead.get(w["id"], {}).get("high_risk", 0),
        )
        for w in workers
    ]
    return sorted(team, key=lambda m: -m.open_cases)


def team_caseloads(user: User) -> list[TeamMember]:
    """Managers: each worker with the number of open cases they lead and how many are high risk."""
    workers = case_workers_for(user).order_by("username")
    row = one_row(
        workers=json_rows_of(workers, id="pk", username="username", full_name="full_name"),
        team=json_values_of(_open_cases_per_lead(user)),
    )
    return _team_table(row["workers"], row["team"])


def case_search(user: User, query: str) -> QuerySet[Case]:
    """Search by child's name or village (characters, traditional, pinyin, initials, homophones),
    case number or words in activity summaries — only visible cases."""
    query = query.strip()[:100]
    cases = cases_visible_to(user)
    if not query:
        return cases.none()
    summary_hit = Activity.objects.filter(case=OuterRef("pk"), sensitive=False, summary__icontains=query)
    found = search_filter(query)
    if found is None:
        return cases.none()
    found |= Exists(summary_hit) | Q(pk__in=_cases_with_sensitive_note(user, cases, query))
    return cases.filter(found).order_by("-opened_on", "-pk")[:50]


# Sensitive notes are encrypted at rest (core.encryption): the database cannot search them, so the
# lead worker's (a manager's: every visible case's) are read and matched here, the newest first.
SENSITIVE_NOTES_SEARCHED = 5000


def _cases_with_sensitive_note(user: User, cases: QuerySet[Case], query: str) -> set[int]:
    notes = Activity.objects.filter(case__in=cases.values("pk"), sensitive=True)
    if not sees_all_cases(user):
        notes = notes.filter(case__lead_worker=user)
    needle = query.casefold()
    rows = notes.order_by("-pk").values_list("case_id", "summary")[:SENSITIVE_NOTES_SEARCHED]
    return {case_id for case_id, summary in rows if needle in summary.casefold()}


def children_for_autocomplete(user: User, query: str) -> list[dict[str, Any]]:
    query = query.strip()[:50]
    if len(query) < 1:
        return []
    visible = cases_visible_to(user).values("child_id")
    named = Q(name__icontains=query)
    for term in search_terms(query):
        named |= Q(search_key__contains=term)
    children = Child.objects.filter(named, pk__in=visible).select_related("location").order_by("name")[:10]
    return [
        {"id": c.pk, "name": c.name, "location": c.location.name if c.location else "", "birth_date": c.birth_date}
        for c in children
    ]


@dataclass
class TimelineEntry:
    """One line of a case's timeline. Apps above cases add their own lines through ``timeline_source``.

    ``at`` (when known) orders the lines of one day; ``by`` is the person's name."""

    date: Any
    kind: str
    title: str
    text: str = ""
    sensitive: bool = False
    by: str = ""
    at: dt.datetime | None = None


TimelineSource = Callable[[User, Case], Iterable[TimelineEntry]]
TIMELINE_SOURCES: list[TimelineSource] = []


def timeline_source(source: TimelineSource) -> TimelineSource:
    """Register ``source(user, case) -> entries``: an app above cases (e.g. Promise First) adds its lines to
    every case timeline from its own ``timeline.py``, which ``CasesConfig.ready`` imports."""
    TIMELINE_SOURCES.append(source)
    return source


@dataclass(frozen=True)
class CaseLink:
    """A link on the case page to a page an app above cases keeps on the case (e.g. its multi-agency
    case, its supervision reviews). ``testid`` names it for tests and the browser."""

    label: str
    url: str
    testid: str


CaseLinkSource = Callable[[User, Case], Iterable[CaseLink]]
CASE_LINK_SOURCES: list[CaseLinkSource] = []


def case_link_source(source: CaseLinkSource) -> CaseLinkSource:
    """Register ``source(user, case) -> links``: an app above cases adds links to the case page from its
    own ``case_links.py`` (imported by ``CasesConfig.ready``). The source returns only links to what the
    user may open, checked by that app's own access policy; ``case_links`` asks the sources only for
    those who see the case."""
    if source not in CASE_LINK_SOURCES:
        CASE_LINK_SOURCES.append(source)
    return source


def case_links(user: User, case: Case) -> list[CaseLink]:
    """The links the registered sources offer this user on this case's page; none to one who may not
    see the case (whatever a source would say)."""
    if not CASE_LINK_SOURCES or not cases_visible_to(user).filter(pk=case.pk).exists():
        return []
    return [link for source in CASE_LINK_SOURCES for link in source(user, case)]


# Case fields whose changes the timeline tells from the case's history (risk changes have their own
# lines, with the reason; bookkeeping fields are left out).
HISTORY_SKIPPED = {"version", "updated_at", "created_at", "risk_level", "history_id"}


def _history_value(field_name: str, value: Any, people: dict[Any, str], contracts: dict[Any, str]) -> str:
    """A stored value as its reader sees it: a label for a code, a name for a person, a date."""
    if value in (None, "", []):
        return _("(none)")
    field = Case._meta.get_field(field_name)
    if field_name == "lead_worker":
        return people.get(value, _("a former user"))
    if field_name == "contract":
        return contracts.get(value, "—")
    if field_name == "presenting_issues":
        from cases.models import PresentingIssue

        labels = dict(PresentingIssue.choices)
        return "、".join(str(labels.get(code, code)) for code in value)
    choices = getattr(field, "flatchoices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, dt.date):
        from django.utils.formats import date_format

        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _history_entries(case: Case) -> list[TimelineEntry]:
    """Each saved change of the case file as sentences: "Family situation changed from Living with
    one parent to Skip-generation care." — labels and names, never codes or ids. Two queries."""
    from core.models import Contract

    history = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    pairs = []
    person_ids: set[Any] = set()
    contract_ids: set[Any] = set()
    for previous, record in zip(history, history[1:], strict=False):
        changes = [c for c in record.diff_against(previous).changes if c.field not in HISTORY_SKIPPED]
        if changes:
            pairs.append((record, changes))
            for c in changes:
                if c.field == "lead_worker":
                    person_ids.update(v for v in (c.old, c.new) if v)
                if c.field == "contract":
                    contract_ids.update(v for v in (c.old, c.new) if v)
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=person_ids)} if person_ids else {}
    contracts = {k.pk: k.name for k in Contract.objects.filter(pk__in=contract_ids)} if contract_ids else {}
    entries = []
    for record, changes in pairs:
        sentences = []
        for c in changes:
            label = str(getattr(Case._meta.get_field(c.field), "verbose_name", c.field))
            sentences.append(
                _("%(field)s changed from %(old)s to %(new)s.")
                % {
                    "field": label[:1].upper() + label[1:],
                    "old": _history_value(c.field, c.old, people, contracts),
                    "new": _history_value(c.field, c.new, people, contracts),
                }
            )
        who = str(record.history_user or "")
        entries.append(
            TimelineEntry(
                timezone.localtime(record.history_date).date(),
                "change",
                _("%(who)s changed the case file") % {"who": who} if who else _("The case file was changed"),
                "\n".join(sentences),
                by=who,
                at=record.history_date,
            )
        )
    return entries


def case_timeline(user: User, case: Case) -> list[TimelineEntry]:
    """Everything that happened on a case, newest first (by day, then by time within the day), in
    sentences with labels and people's names: one query per source, none per row."""
    entries: list[TimelineEntry] = []
    activities = case.activities.select_related("recorded_by")
    if not may_read_sensitive(user, case):
        activities = activities.filter(sensitive=False)
    for a in activities:
        who = str(a.recorded_by or "")
        minutes = _(" (%(m)s min)") % {"m": a.duration_minutes} if a.duration_minutes else ""
        title = (
            _("%(who)s recorded: %(kind)s%(minutes)s") % {"who": who, "kind": a.get_kind_display(), "minutes": minutes}
            if who
            else f"{a.get_kind_display()}{minutes}"
        )
        entries.append(TimelineEntry(a.date, "activity", title, a.summary, a.sensitive, who, at=a.created_at))
    for r in RiskChange.objects.filter(case=case).select_related("changed_by"):
        who = str(r.changed_by or "")
        if r.from_level:
            title = _("Risk level changed from %(a)s to %(b)s") % {
                "a": r.get_from_level_display(),
                "b": r.get_to_level_display(),
            }
        else:
            title = _("Risk level set to %(b)s") % {"b": r.get_to_level_display()}
        entries.append(
            TimelineEntry(timezone.localtime(r.changed_at).date(), "risk", title, r.reason, by=who, at=r.changed_at)
        )
    entries.extend(_history_entries(case))
    lead = str(case.lead_worker or "")
    entries.append(
        TimelineEntry(
            case.opened_on,
            "opened",
            _("Case opened, led by %(who)s") % {"who": lead} if lead else _("Case opened"),
            "",
            at=case.created_at if timezone.localtime(case.created_at).date() == case.opened_on else None,
        )
    )
    for ref in case.referrals.all():
        entries.append(
            TimelineEntry(
                ref.received_on,
                "referral",
                _("Referral %(r)s received") % {"r": ref.reference},
                ref.concerns,
                at=ref.created_at if timezone.localtime(ref.created_at).date() == ref.received_on else None,
            )
        )
    for flag in case.flags.all():
        entries.append(
            TimelineEntry(
                timezone.localtime(flag.created_at).date(),
                "flag",
                _("Flag: %(m)s") % {"m": flag.message},
                at=flag.created_at,
            )
        )
    if case.closed_on:
        entries.append(TimelineEntry(case.closed_on, "closed", _("Case closed"), case.closure_reason))
    for source in TIMELINE_SOURCES:
        entries.extend(source(user, case))
    entries.sort(key=_timeline_order, reverse=True)
    return entries


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)


def _timeline_order(entry: TimelineEntry) -> tuple[dt.date, int, dt.datetime]:
    """By day; within a day the opening first and the closing last, the rest by the time they were
    written (entries without a time, e.g. from other apps, at the day's start)."""
    rank = {"opened": 0, "referral": 0, "closed": 2}.get(entry.kind, 1)
    return (entry.date or dt.date.min, rank, entry.at or _EARLIEST)


def case_access_log(case: Case) -> QuerySet[Any]:
    """Who viewed, changed, exported or downloaded this case file, newest first, from the audit log:
    rows naming the case or its child, lists and exports whose ``ids`` held the case, and rows about
    the case's own records (documents, activities…) that carry ``"case": <id>`` in their detail.
    Served by the GIN index on ``detail`` (core migration 0008) and the object index."""
    from core.models import AuditEntry

    return AuditEntry.objects.filter(
        Q(object_type="case", object_id=str(case.pk))
        | Q(object_type="child", object_id=str(case.child_id))
        | Q(object_type="case", detail__contains={"ids": [case.pk]})
        | Q(detail__contains={"case": case.pk})
    ).order_by("-created_at", "-id")
