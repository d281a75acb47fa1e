"""Seed a realistic dataset of any size, fast, for benchmarks: `seed_scale --cases 100000 --seed 1`.

Rows go in with PostgreSQL COPY (ids allocated in one block per table), so 100,000 cases with
about a million activities take a minute or two and 1,000,000 cases well under 30 minutes on two
cores. Deterministic for a given --seed. Run it on its own database (DATABASE_URL=.../shouhu_bench);
it ends with ANALYZE so the planner has statistics.

The shape follows a city-wide deployment: several NGOs (one district each, with towns and
villages); each social worker leads 20-200 cases of their NGO; about one case in seven is shared
with one or two colleagues (team + object permissions); area groups hold group grants on a few
percent of cases; a few cases were reassigned (the new lead holds the grants, the previous one
none, or stays on the team); one "supervisor" social worker per run holds view grants on 5,000
cases (the heavy user of the benchmark); ~10 activities a case; referrals behind three cases
in four, plus new ones waiting in the triage queue; Alliance members, Promise First pledges and
requests, events and volunteer logs.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role, User
from alliance.models import Event, Member, VolunteerLog
from cases.models import (
    Activity,
    Case,
    CaseFlag,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Category,
    Child,
    FamilySituation,
    PresentingIssue,
)
from core.encryption import EncryptedMixin, encrypt
from core.models import Contract, Location
from core.search_keys import search_key
from referrals.models import Referral
from resources.models import Pledge, PledgeRequest

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "小雨欣怡子涵浩然梓轩雨桐佳怡俊杰思琪宇航诗涵明轩晓彤嘉豪可欣天佑若曦博文心怡志强美琳家乐雅婷文博梦瑶"
KINDS = ["home_visit"] * 4 + ["phone_call"] * 3 + ["counselling", "school_visit", "office_visit", "joint_conference"]
NOTES = ["家访，孩子状况稳定。", "电话联系监护人。", "与学校老师沟通出勤情况。", "个别辅导。", "联席会议讨论救助方案。"]
HEAVY_GRANTS = 5000


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _cell(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "{" + ",".join(f'"{v}"' for v in value) + "}"
    if isinstance(value, dict):
        return _text(json.dumps(value, ensure_ascii=False))
    return str(value)


class Copier:
    """COPY rows into a model's table; fields not given get the model's default (or now / '')."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.counts: dict[str, int] = {}

    def alloc(self, model: type[models.Model], n: int) -> int:
        """Reserve n ids in one step; returns the first."""
        if n <= 0:
            return 0
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  (a model's table)
                f"GREATEST(nextval(pg_get_serial_sequence('{table}', 'id')), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table})) + %s - 1)",
                [n],
            )
            last = cursor.fetchone()[0]
        return last - n + 1

    def _filler(self, field: models.Field) -> Any:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField)):
            return ""
        raise ValueError(f"{field.model.__name__}.{field.name} needs a value")

    def copy(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        rest = [
            f
            for f in meta.concrete_fields
            if f not in given
            and not f.primary_key
            and not (f.auto_created and not f.concrete)
            and not f.has_db_default()  # type: ignore[attr-defined]  # PostgreSQL fills it (e.g. the default organisation)
            and not f.generated  # PostgreSQL computes it (e.g. the case's risk rank)
        ]
        filler = "\t".join(_cell(self._filler(f)) for f in rest)
        # COPY writes the columns as given: what the model stores encrypted is encrypted here.
        sealed = [isinstance(f, EncryptedMixin) for f in given]
        columns = ", ".join(f'"{f.column}"' for f in [*given, *rest])
        sql = f'COPY "{meta.db_table}" ({columns}) FROM STDIN'
        n = 0
        buffer = io.StringIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for row in rows:
                line = "\t".join(_cell(encrypt(v) if seal else v) for v, seal in zip(row, sealed, strict=True))
                buffer.write(f"{line}\t{filler}\n" if rest else f"{line}\n")
                n += 1
                if n % 50_000 == 0:
                    buffer.seek(0)
                    raw.copy_expert(sql, buffer)
                    buffer = io.StringIO()
            if buffer.tell():
                buffer.seek(0)
                raw.copy_expert(sql, buffer)
        self.counts[meta.label] = self.counts.get(meta.label, 0) + n
        return n


class Command(BaseCommand):
    help = "Seed a large realistic dataset with COPY (for bench/ and docs/performance.md)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--organisations", type=int, default=0, help="NGOs (default: one per 25,000 cases)")
        parser.add_argument("--activities", type=int, default=10, help="activities per case on average")

    def handle(self, *args, **options):
        started = time.monotonic()
        rng = random.Random(options["seed"])
        n = options["cases"]
        n_orgs = options["organisations"] or max(2, n // 25_000)
        copier = Copier(timezone.now())
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Foreign-key triggers off for this transaction: the rows are consistent by
                # construction, and checking ~1.5 million references row by row was most of the
                # time. Needs a superuser (as the benchmark database has); otherwise checks stay.
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                if cursor.fetchone()[0]:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            summary = self._seed(copier, rng, n, n_orgs, options["activities"], timezone.localdate())
        seeded = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for label, count in sorted(copier.counts.items()):
            self.stdout.write(f"  {label}: {count:,}")
        for line in summary:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {n:,} cases in {seeded:.1f} s (+ ANALYZE {time.monotonic() - started - seeded:.1f} s)"
            )
        )

    def _seed(self, cp: Copier, rng: random.Random, n: int, n_orgs: int, per_case: int, today: dt.date) -> list[str]:
        tag = f"{rng.randint(0, 36**4):04x}"
        intervals = settings.SHOUHU["VISIT_INTERVAL_DAYS"]
        perms = {
            p.codename: p.pk
            for p in Permission.objects.filter(
                content_type__app_label="cases", codename__in=["view_case", "change_case"]
            )
        }
        view, change = perms["view_case"], perms["change_case"]
        contract = Contract.objects.create(
            name=f"规模测试项目 {tag}",
            funder="规模测试妇联",
            start=today.replace(month=1, day=1),
            end=today.replace(month=12, day=31),
            amount=Decimal("3000000"),
            caseload_target=max(20, n // 4),
        )
        worker_group = Group.objects.get_or_create(name=Role.SOCIAL_WORKER)[0]
        manager_group = Group.objects.get_or_create(name=Role.MANAGER)[0]

        # Places and staff, organisation by organisation.
        villages_of: list[list[Location]] = []
        workers_of: list[list[User]] = []
        own_counts: list[list[int]] = []
        groups_of: list[list[Group]] = []
        per_org = [n // n_orgs + (1 if i < n % n_orgs else 0) for i in range(n_orgs)]
        managers = []
        for o in range(n_orgs):
            district = Location.objects.create(name=f"规模区{tag}-{o}", kind="district")
            towns = Location.objects.bulk_create(
                [
                    Location(name=f"镇{t}", kind="town", parent=district, search_key=search_key(f"镇{t}"))
                    for t in range(5)
                ]
            )
            villages = Location.objects.bulk_create(
                [
                    Location(name=f"村{v}", kind="village", parent=towns[v % 5], search_key=search_key(f"村{v}"))
                    for v in range(max(10, per_org[o] // 500))
                ]
            )
            villages_of.append(villages)
            counts, left = [], per_org[o]
            while left > 0:
                k = min(left, rng.randint(20, 200))
                counts.append(k)
                left -= k
            own_counts.append(counts)
            workers = User.objects.bulk_create(
                [
                    User(
                        username=f"sw{tag}-{o}-{w}",
                        full_name=f"社工{o}-{w}",
                        role=Role.SOCIAL_WORKER,
                        password="!",
                    )
                    for w in range(len(counts))
                ],
                batch_size=2000,
            )
            workers_of.append(workers)
            managers.append(
                User.objects.create(username=f"mgr{tag}-{o}", full_name=f"主管{o}", role=Role.MANAGER, password="!")
            )
            groups = [Group.objects.create(name=f"片区组{tag}-{o}-{g}") for g in range(3)]
            groups_of.append(groups)
            for g, group in enumerate(groups):
                group.user_set.add(*workers[g::7][:10])
        all_workers = [w for ws in workers_of for w in ws]
        worker_group.user_set.add(*all_workers)
        heavy = User.objects.create(
            username=f"supervisor{tag}", full_name="督导", role=Role.SOCIAL_WORKER, password="!"
        )
        heavy.groups.add(worker_group)
        for m in managers:
            m.groups.add(manager_group)
        all_villages = [v for vs in villages_of for v in vs]

        members = Member.objects.bulk_create(
            [
                Member(
                    name=f"成员{i}",
                    sector=rng.choice(["wf_director"] * 5 + ["school", "hospital", "resident", "ngo", "police"]),
                    location=rng.choice(all_villages),
                    is_referrer=i % 2 == 0,
                    is_pledger=i % 3 == 0,
                    is_volunteer=i % 7 == 0,
                    joined_on=today - dt.timedelta(days=rng.randint(0, 700)),
                )
                for i in range(max(50, n // 50))
            ],
            batch_size=5000,
        )
        member_ids = [m.pk for m in members]

        # Children, referrals and cases: ids allocated up front so the rows can point at each other.
        keys: dict[str, str] = {}
        child0, case0 = cp.alloc(Child, n), cp.alloc(Case, n)
        referred = [i for i in range(n) if i % 4]
        ref0 = cp.alloc(Referral, len(referred))
        ref_of = {i: ref0 + k for k, i in enumerate(referred)}
        issues, families, categories = PresentingIssue.values, FamilySituation.values, Category.values
        cases: list[tuple] = []  # (id, org, lead, opened, closed, status, risk)
        children, referrals = [], []
        team_rows, uop_rows, gop_rows = [], [], []
        i = 0
        for o in range(n_orgs):
            workers, villages = workers_of[o], villages_of[o]
            for w, count in enumerate(own_counts[o]):
                lead = workers[w]
                for _ in range(count):
                    cid = case0 + i
                    village = rng.choice(villages).pk
                    name = rng.choice(SURNAMES) + GIVEN[2 * (i % 25) : 2 * (i % 25) + 2]
                    sex = rng.choice(["female", "male"])
                    children.append(
                        (
                            child0 + i,
                            name,
                            sex,
                            today - dt.timedelta(days=rng.randint(365, 17 * 365)),
                            village,
                            rng.random() < 0.4,
                            keys[name] if name in keys else keys.setdefault(name, search_key(name)),
                        )
                    )
                    opened = today - dt.timedelta(days=rng.randint(0, 1500))
                    closed = opened + dt.timedelta(days=rng.randint(30, 400)) if rng.random() < 0.45 else None
                    if closed and closed > today:
                        closed = None
                    status = "closed" if closed else rng.choice(["assessment", "active", "active", "active"])
                    risk = rng.choice(["low", "medium", "medium", "high", "immediate"])
                    cases.append((cid, o, lead.pk, opened, closed, status, risk))
                    if i in ref_of:
                        referrals.append(
                            (
                                ref_of[i],
                                f"RS{tag}-{i:07d}",
                                name,
                                sex,
                                "规模测试",
                                "alliance" if rng.random() < 0.75 else rng.choice(["hotline", "police"]),
                                rng.choice(member_ids),
                                "accepted",
                                opened,
                                dt.datetime.combine(opened, dt.time(9), tzinfo=dt.UTC),
                                village,
                                cid,
                            )
                        )
                    uop_rows += [(lead.pk, view, cid), (lead.pk, change, cid)]
                    r = rng.random()
                    if r < 0.14 and len(workers) > 1:  # shared with one or two colleagues
                        for mate in rng.sample(workers, min(len(workers), rng.randint(1, 2))):
                            if mate.pk != lead.pk:
                                team_rows.append((cid, mate.pk))
                                uop_rows += [(mate.pk, view, cid), (mate.pk, change, cid)]
                    elif r < 0.17:  # an area group holds the grant
                        gop_rows.append((rng.choice(groups_of[o]).pk, view, cid))
                    elif r < 0.19 and len(workers) > 1:  # reassigned: the previous lead stays on the team
                        prev = rng.choice(workers)
                        if prev.pk != lead.pk:
                            team_rows.append((cid, prev.pk))
                            uop_rows += [(prev.pk, view, cid), (prev.pk, change, cid)]
                    i += 1
        for cid in rng.sample(range(case0, case0 + n), min(n, HEAVY_GRANTS)):
            uop_rows.append((heavy.pk, view, cid))

        cp.copy(Child, ["id", "name", "sex", "birth_date", "location", "left_behind", "search_key"], children)
        del children
        cp.copy(
            Referral,
            [
                "id",
                "reference",
                "child_name",
                "child_sex",
                "concerns",
                "channel",
                "referrer_member",
                "status",
                "received_on",
                "received_at",
                "location",
                "case",
            ],
            referrals,
        )
        del referrals

        # Activities, with each case's last home visit and next visit due computed on the way.
        last_visit: dict[int, dt.date] = {}

        def activities():
            for cid, _o, lead, opened, closed, _status, _risk in cases:
                end = closed or today
                span = max(0, (end - opened).days)
                for _ in range(rng.randint(max(1, per_case - 6), per_case + 6)):
                    day = opened + dt.timedelta(days=rng.randint(0, span)) if span else opened
                    kind = rng.choice(KINDS)
                    if kind == "home_visit" and (cid not in last_visit or day > last_visit[cid]):
                        last_visit[cid] = day
                    yield (cid, kind, day, rng.choice([30, 45, 60, 90]), rng.choice(NOTES), lead)

        cp.copy(Activity, ["case", "kind", "date", "duration_minutes", "summary", "recorded_by"], activities())

        open_cases = [c for c in cases if c[5] != "closed"]
        flagged = [c[0] for c in rng.sample(open_cases, len(open_cases) // 30)]
        flagged_set = set(flagged)

        def case_rows():
            for cid, _o, lead, opened, closed, status, risk in cases:
                k = cid - case0
                last = last_visit.get(cid)
                yield (
                    cid,
                    f"S{tag}-{k:07d}",
                    child0 + k,
                    status,
                    risk,
                    rng.sample(issues, rng.randint(1, 2)),
                    rng.choice(families),
                    rng.choice(categories),
                    lead,
                    opened,
                    closed,
                    "规模测试" if closed else "",
                    ref_of.get(k),
                    contract.pk if opened >= contract.start else None,
                    last,
                    (last or opened) + dt.timedelta(days=intervals.get(risk, 30)),
                    1 if cid in flagged_set else 0,
                )

        # Referral → case and case → referral point at each other: the foreign keys are deferred
        # (checked at commit, when both tables are full) or, as superuser, not fired at all.
        cp.copy(
            Case,
            [
                "id",
                "number",
                "child",
                "status",
                "risk_level",
                "presenting_issues",
                "family_situation",
                "category",
                "lead_worker",
                "opened_on",
                "closed_on",
                "closure_reason",
                "referral",
                "contract",
                "last_home_visit",
                "next_visit_due",
                "open_flag_count",
            ],
            case_rows(),
        )
        cp.copy(Case.team.through, ["case", "user"], team_rows)
        cp.copy(CaseUserObjectPermission, ["user", "permission", "content_object"], uop_rows)
        cp.copy(CaseGroupObjectPermission, ["group", "permission", "content_object"], gop_rows)
        lead_of = {c[0]: c[2] for c in open_cases}
        cp.copy(
            CaseFlag,
            ["case", "message", "due_on", "created_by"],
            (
                (cid, "联系学校了解出勤情况", today + dt.timedelta(days=rng.randint(-5, 10)), lead_of[cid])
                for cid in flagged
            ),
        )
        # New referrals waiting for triage (the queue), a few hundred per organisation.
        cp.copy(
            Referral,
            [
                "reference",
                "child_name",
                "concerns",
                "channel",
                "referrer_member",
                "status",
                "urgency",
                "received_on",
                "received_at",
                "location",
            ],
            (
                (
                    f"RN{tag}-{k:06d}",
                    rng.choice(SURNAMES) + "小明",
                    "孩子晚上独自在家",
                    "alliance",
                    rng.choice(member_ids),
                    "new",
                    rng.choice(["immediate", "soon", "routine", "routine"]),
                    today - dt.timedelta(days=rng.randint(0, 20)),
                    cp.now - dt.timedelta(hours=rng.randint(1, 500)),
                    rng.choice(all_villages).pk,
                )
                for k in range(max(20, n // 200))
            ),
        )

        # Promise First and the Alliance's own records.
        pledgers = [m for m in members if m.is_pledger] or members[:5]
        pledges = Pledge.objects.bulk_create(
            [
                Pledge(
                    member=m,
                    kind=rng.choice(["money", "goods", "service"]),
                    description="规模测试承诺",
                    estimated_value=Decimal(rng.randint(50, 2000)),
                    valid_from=today - dt.timedelta(days=1500),
                )
                for m in pledgers
            ],
            batch_size=5000,
        )
        pledge_ids = [p.pk for p in pledges]

        def pledge_requests():
            for c in rng.sample(cases, min(len(cases), n // 5)):
                fulfilled = rng.random() < 0.7
                day = min(today, c[3] + dt.timedelta(days=10))
                yield (
                    c[0],
                    rng.choice(pledge_ids),
                    "规模测试",
                    "规模测试",
                    day,
                    "fulfilled" if fulfilled else "requested",
                    day if fulfilled else None,
                    Decimal(rng.randint(1000, 100000)) / 100 if fulfilled else None,
                    c[2],
                )

        cp.copy(
            PledgeRequest,
            [
                "case",
                "pledge",
                "need",
                "public_text",
                "requested_on",
                "status",
                "fulfilled_on",
                "value",
                "requested_by",
            ],
            pledge_requests(),
        )
        cp.copy(
            Event,
            ["kind", "date", "title"],
            (
                (
                    rng.choice(["training", "director_meeting", "director_meeting", "joint_conference"]),
                    today - dt.timedelta(days=rng.randint(0, 700)),
                    "规模测试活动",
                )
                for _ in range(max(20, n // 100))
            ),
        )
        volunteers = [m.pk for m in members if m.is_volunteer] or member_ids[:3]
        cp.copy(
            VolunteerLog,
            ["member", "case", "date", "minutes"],
            (
                (rng.choice(volunteers), c[0], min(today, c[3] + dt.timedelta(days=5)), rng.randint(30, 180))
                for c in rng.sample(cases, min(len(cases), n // 10))
            ),
        )
        own = [c for counts in own_counts for c in counts]
        return [
            f"organisations: {n_orgs}; social workers: {len(all_workers)} leading {min(own)}-{max(own)} cases each",
            f"supervisor {heavy.username}: view grants on {min(n, HEAVY_GRANTS):,} cases",
            f"managers: {', '.join(m.username for m in managers)}",
        ]
