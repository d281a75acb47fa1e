"""Checking the audit log's hash chain (migration core 0006): the first broken link, if any; and
keeping its monthly partitions (migration core 0009) ahead of time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

RECOMPUTED = (
    "shouhu_audit_row_hash(prev_hash, chain_seq, id, created_at, user_id, username, action, "
    "object_type, object_id, ip_address, detail)"
)
FIRST_BROKEN = f"""
SELECT id, chain_seq, problem FROM (
    SELECT id, chain_seq,
        CASE
            WHEN chain_seq <> coalesce(lag(chain_seq) OVER w, 0) + 1 THEN 'missing'
            WHEN prev_hash <> coalesce(lag(row_hash) OVER w, '') THEN 'link'
            WHEN row_hash <> {RECOMPUTED} THEN 'changed'
        END AS problem
    FROM core_auditentry
    WHERE chain_seq IS NOT NULL
    WINDOW w AS (ORDER BY chain_seq)
) checked
WHERE problem IS NOT NULL
ORDER BY chain_seq
LIMIT 1
"""  # noqa: S608  (constant SQL)


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_seq: int | None
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""
    unchained: int = 0

    @property
    def intact(self) -> bool:
        return self.broken_id is None and self.unchained == 0


def verify_chain() -> ChainReport:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE chain_seq IS NULL) FROM core_auditentry")
        rows, unchained = cursor.fetchone()
        cursor.execute(
            "SELECT chain_seq, row_hash FROM core_auditentry WHERE chain_seq IS NOT NULL "
            "ORDER BY chain_seq DESC LIMIT 1"
        )
        head = cursor.fetchone() or (None, "")
        cursor.execute(FIRST_BROKEN)
        broken = cursor.fetchone()
    report = ChainReport(rows=rows, head_seq=head[0], head_hash=head[1], unchained=unchained)
    if broken:
        return ChainReport(
            rows=rows,
            head_seq=head[0],
            head_hash=head[1],
            broken_id=broken[0],
            broken_seq=broken[1],
            problem=broken[2],
            unchained=unchained,
        )
    return report


MONTHS_AHEAD = 3


def audit_partitions_ahead(*, months: int = MONTHS_AHEAD, today: dt.date | None = None) -> list[str]:
    """The audit log's monthly partitions (migration 0009) from this month to ``months`` ahead,
    created where missing; returns their names. Run daily by beat: a beat that stops leaves months
    of partitions already there."""
    first = (today or timezone.localdate()).replace(day=1)
    days = []
    for _ in range(months + 1):
        days.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT shouhu_audit_partition(day) FROM unnest(%s::date[]) AS day", [days])
        return [row[0] for row in cursor.fetchall()]
