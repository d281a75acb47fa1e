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
    outcomes, the number cancelled; the lead first, then by name. A reader of the whole plan gets a row
    for every agency on the case, those that delivered nothing included; one with its own tasks only,
    its own row."""
    joint = access.joint
    if access.sees_whole_plan:
        on_case = [(joint.case.organisation_id, joint.case.organisation.name)] + [
            (p.organisation_id, p.organisation.name)
            for p in joint.partners.filter(left_on__isnull=True).select_related("organisation")
        ]
    else:
        on_case = [(p.organisation_id, p.organisation.name) for p in [access.partner] if p is not None]
    by_agency = {pk: AgencyDelivery(pk, name) for pk, name in on_case}
    for task in access.tasks().order_by("done_on", "pk"):
        row = by_agency.setdefault(task.organisation_id, AgencyDelivery(task.organisation_id, task.organisation.name))
        if task.status == TaskStatus.DONE:
            row.done.append(task)
        elif task.status == TaskStatus.CANCELLED:
            row.cancelled += 1
    lead = joint.case.organisation_id
    return sorted(by_agency.values(), key=lambda r: (r.organisation_id != lead, r.name))
