"""Reads over a multi-agency case that combine its rows, always within the reader's ``JointAccess``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from multiagency.models import JointTask, TaskStatus
from multiagency.permissions import JointAccess


@dataclass
class AgencyDelivery:
    """What one agency delivered on the case: its tasks done (with the days), and how many it cancelled."""

    organisation_id: int
    name: str
    done: list[JointTask] = field(default_factory=list)
    cancelled: int = 0

    @property
    def first_done_on(self) -> dt.date | None:
        return min((t.done_on for t in self.done if t.done_on), default=None)

    @property
    def last_done_on(self) -> dt.date | None:
        return max((t.done_on for t in self.done if t.done_on), default=None)


def delivered_by_agency(access: JointAccess) -> list[AgencyDelivery]:
    """Per agency, the tasks the reader may see (``access.tasks()``): done ones with their dates and
    outcomes, the number cancelled; the lead first, then by name."""
    by_agency: dict[int, AgencyDelivery] = {}
    for task in access.tasks().order_by("done_on", "pk"):
        row = by_agency.setdefault(task.organisation_id, AgencyDelivery(task.organisation_id, task.organisation.name))
        if task.status == TaskStatus.DONE:
            row.done.append(task)
        elif task.status == TaskStatus.CANCELLED:
            row.cancelled += 1
    lead = access.joint.case.organisation_id
    return sorted(by_agency.values(), key=lambda r: (r.organisation_id != lead, r.name))
