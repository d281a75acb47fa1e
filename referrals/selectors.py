"""Reads for triage: the queue, possible duplicates of a referred child, and referral figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from pypinyin import lazy_pinyin

from cases.choices import URGENCY_ORDER, CaseStatus, Urgency, rank
from cases.models import Child
from cases.permissions import cases_visible_to, sees_every_organisation
from core.dates import age_in_years
from referrals.models import Referral, ReferralStatus
from referrals.permissions import referrals_visible_to

# Traditional forms that often appear in names, folded to simplified before comparing.
TRADITIONAL_TO_SIMPLIFIED = str.maketrans(
    {
        "張": "张",
        "陳": "陈",
        "劉": "刘",
        "楊": "杨",
        "黃": "黄",
        "趙": "赵",
        "吳": "吴",
        "孫": "孙",
        "馬": "马",
        "鄭": "郑",
        "謝": "谢",
        "韓": "韩",
        "馮": "冯",
        "鄧": "邓",
        "許": "许",
        "蕭": "萧",
        "羅": "罗",
        "蘇": "苏",
        "葉": "叶",
        "呂": "吕",
        "蔣": "蒋",
        "錢": "钱",
        "盧": "卢",
        "龍": "龙",
        "萬": "万",
        "華": "华",
        "國": "国",
        "偉": "伟",
        "麗": "丽",
        "傑": "杰",
        "軍": "军",
        "紅": "红",
        "貴": "贵",
        "蘭": "兰",
        "鳳": "凤",
        "雲": "云",
        "強": "强",
        "寶": "宝",
        "東": "东",
        "興": "兴",
        "曉": "晓",
        "嬌": "娇",
        "寧": "宁",
        "濤": "涛",
        "鵬": "鹏",
        "輝": "辉",
        "榮": "荣",
        "詩": "诗",
        "語": "语",
        "夢": "梦",
        "瑩": "莹",
        "嬋": "婵",
        "穎": "颖",
        "靜": "静",
    }
)


def normalise_name(name: str) -> str:
    return "".join(name.split()).translate(TRADITIONAL_TO_SIMPLIFIED)


def name_pinyin(name: str) -> str:
    return "".join(lazy_pinyin(normalise_name(name)))


def triage_queue(user: Any) -> QuerySet[Referral]:
    """Referrals waiting for a decision: most urgent first, then the longest waiting."""
    return (
        referrals_visible_to(user)
        .filter(status__in=[ReferralStatus.NEW, ReferralStatus.NEEDS_INFO])
        .annotate(urgency_rank=rank("urgency", URGENCY_ORDER))
        .order_by("urgency_rank", "received_at", "pk")
    )


def triage_limits() -> dict[str, dt.timedelta]:
    """How long a new referral may wait for triage, by urgency (settings.SHOUHU["TRIAGE_LIMIT_HOURS"])."""
    hours = settings.SHOUHU["TRIAGE_LIMIT_HOURS"]
    return {urgency: dt.timedelta(hours=hours.get(urgency, 120)) for urgency in Urgency.values}


def triage_limit(referral: Referral) -> dt.timedelta:
    return triage_limits().get(referral.urgency, dt.timedelta(hours=120))


def overdue_referrals(*, now: dt.datetime | None = None) -> QuerySet[Referral]:
    """New referrals past their triage limit, in SQL: the rule the reminders send (``is_overdue`` for one)."""
    now = now or timezone.now()
    late = Q()
    for urgency, limit in triage_limits().items():
        late |= Q(urgency=urgency, received_at__lt=now - limit)
    return Referral.objects.filter(status=ReferralStatus.NEW).filter(late)


def is_overdue(referral: Referral, *, now: dt.datetime | None = None) -> bool:
    """The same rule as ``overdue_referrals``, for a referral already loaded."""
    now = now or timezone.now()
    return referral.status == ReferralStatus.NEW and now - referral.received_at > triage_limit(referral)


@dataclass
class Candidate:
    child: Child
    score: float
    reasons: list[str]
    open_case: Any = None


def match_child(
    *,
    target_name: str,
    target_location_id: int | None,
    target_age: int | None,
    name: str,
    location_id: int | None,
    birth_date: dt.date | None,
) -> tuple[float, list[str], bool] | None:
    """How much a known child looks like the one described: similar name (pinyin, traditional forms
    folded), same village, close age. None when it is not a plausible match; the third item says
    whether the names themselves are alike. Shared by triage and the monitoring register."""
    from django.utils.translation import gettext as _

    target = normalise_name(target_name)
    target_py = name_pinyin(target_name)
    first = target[:1]
    same_sound_surname = lazy_pinyin(first)[0] if first else ""
    reasons: list[str] = []
    normalised = normalise_name(name)
    py = name_pinyin(name)
    similarity = max(SequenceMatcher(None, target, normalised).ratio(), SequenceMatcher(None, target_py, py).ratio())
    score = similarity * 2
    if normalised == target:
        reasons.append(_("same name"))
    elif py == target_py:
        reasons.append(_("same name in pinyin"))
    elif similarity >= 0.6:
        reasons.append(_("similar name"))
    same_place = target_location_id is not None and location_id == target_location_id
    if same_place:
        score += 1
        reasons.append(_("same village"))
    if target_age is not None and birth_date:
        child_age = age_in_years(birth_date)
        if abs(child_age - target_age) <= 2:
            score += 0.5
            reasons.append(_("similar age"))
    if lazy_pinyin(normalised[:1])[:1] == [same_sound_surname] and similarity < 0.6:
        score += 0.2
    if similarity >= 0.6 or (same_place and similarity >= 0.34):
        return score, reasons, similarity >= 0.6
    return None


def name_match_filter(name: str, location_field: str, location_id: Any, name_field: str = "name") -> Q:
    """A cheap SQL pre-filter of candidates for ``match_child``."""
    target = normalise_name(name)
    first = target[:1]
    return (
        Q(**{location_field: location_id})
        | Q(**{f"{name_field}__startswith": first})
        | Q(**{f"{name_field}__contains": target[-1:] or first})
    )


def possible_duplicates(user: Any, referral: Referral, *, limit: int = 5) -> list[Candidate]:
    """Children the user may see who may be the referred child, ranked by ``match_child``."""
    children = Child.objects.select_related("location")
    if not sees_every_organisation(user):
        children = children.filter(pk__in=cases_visible_to(user).values("child_id"))
    candidates = children.filter(name_match_filter(referral.child_name, "location", referral.location_id)).order_by(
        "pk"
    )[:300]
    age = referral.child_age
    if age is None and referral.child_birth_date:
        age = age_in_years(referral.child_birth_date)
    results: list[Candidate] = []
    for child in candidates:
        match = match_child(
            target_name=referral.child_name,
            target_location_id=referral.location_id,
            target_age=age,
            name=child.name,
            location_id=child.location_id,
            birth_date=child.birth_date,
        )
        if match is not None:
            results.append(Candidate(child=child, score=match[0], reasons=match[1]))
    results.sort(key=lambda c: -c.score)
    results = results[:limit]
    open_cases = {
        c.child_id: c
        for c in cases_visible_to(user)
        .filter(child_id__in=[r.child.pk for r in results])
        .exclude(status=CaseStatus.CLOSED)
    }
    for result in results:
        result.open_case = open_cases.get(result.child.pk)
    return results
