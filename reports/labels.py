"""What a person reads for each figure of the summary: one place for the CSV, the XLSX and the PDF.

The summary's keys are fixed by the API contract; these are their labels in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

SECTIONS: dict[str, Any] = {
    "cases": _("Cases"),
    "alliance": _("Alliance"),
    "promise_first": _("Promise First"),
    "activities": _("Work done"),
    "referrals": _("Referrals"),
    "funding": _("Funding"),
    "programmes": _("Group services"),
    "entitlements": _("Entitlements"),
}

FIGURES: dict[str, Any] = {
    "cases.total": _("Cases open in the period"),
    "cases.opened": _("Cases opened"),
    "cases.closed": _("Cases closed"),
    "cases.active_at_end": _("Cases open at the end of the period"),
    "cases.caseload_target": _("Caseload target"),
    "cases.through_alliance": _("Cases referred through the Alliance"),
    "cases.through_alliance_pct": _("Share referred through the Alliance (%)"),
    "cases.through_wf_directors": _("Cases referred by WF directors"),
    "cases.through_wf_directors_pct": _("Share referred by WF directors (%)"),
    "cases.average_age": _("Average age at opening (years)"),
    "cases.by_referral_source": _("By referral source"),
    "cases.by_presenting_issue": _("By presenting issue"),
    "cases.by_family_situation": _("By family situation"),
    "cases.by_category": _("By category"),
    "cases.by_sex": _("By sex"),
    "cases.by_age_band": _("By age band"),
    "alliance.members": _("Alliance members"),
    "alliance.referrers": _("Members who refer"),
    "alliance.pledgers": _("Members who pledge"),
    "alliance.volunteers": _("Volunteers"),
    "alliance.wf_directors": _("WF directors"),
    "promise_first.pledges": _("Pledges in force"),
    "promise_first.requests": _("Requests for help"),
    "promise_first.fulfilled_requests": _("Requests fulfilled"),
    "promise_first.members_fulfilled": _("Members who fulfilled a request"),
    "promise_first.cases_helped": _("Cases helped"),
    "promise_first.value": _("Value given (yuan)"),
    "promise_first.value.money": _("Money (yuan)"),
    "promise_first.value.goods": _("Goods (yuan)"),
    "promise_first.value.service": _("Services (yuan)"),
    "promise_first.value.total": _("Total value (yuan)"),
    "activities.home_visits": _("Home visits"),
    "activities.trainings": _("Trainings"),
    "activities.director_meetings": _("Meetings with WF directors"),
    "activities.joint_conferences": _("Joint conferences"),
    "activities.volunteer_hours": _("Volunteer hours"),
    "referrals.received": _("Referrals received"),
    "referrals.through_alliance": _("Referrals through the Alliance"),
    "referrals.average_hours_to_triage": _("Average hours to triage"),
    "funding.contract_amount": _("Contract amount (yuan)"),
    "funding.community_value_ratio": _("Community value per yuan of contract"),
    "programmes.programmes": _("Programmes with a session"),
    "programmes.sessions": _("Group sessions held"),
    "programmes.children_reached": _("Children reached by group work"),
    "programmes.attendances": _("Attendances of children"),
    "programmes.parent_child_calls": _("Parent–child calls held"),
    "programmes.programmes_by_kind": _("Programmes by kind"),
    "programmes.sessions_by_kind": _("Sessions by kind"),
    "programmes.average_attendance": _("Average children per session"),
    "programmes.guardian_attendances": _("Attendances of guardians"),
    "programmes.tutor_hours": _("Volunteer tutor hours"),
    "programmes.parent_child_calls_target": _("Parent–child calls due (weekly targets)"),
    "programmes.parent_child_calls_pct": _("Calls held against target (%)"),
    "programmes.books_distributed": _("Books lent or given"),
    "programmes.goods_distributed": _("Goods lent or given"),
    "programmes.goods_value": _("Value of books and goods given (yuan)"),
    "entitlements.claimed": _("Cases with the entitlement claimed"),
    "entitlements.granted": _("Cases with the entitlement granted"),
}


def section_label(section: str) -> str:
    return str(SECTIONS.get(section, section))


def figure_label(code: str, value_labels: dict[str, str] | None = None) -> str:
    """The label of a figure code such as ``cases.total`` or ``cases.by_sex.female``."""
    if code in FIGURES:
        return str(FIGURES[code])
    parent, _dot, leaf = code.rpartition(".")
    if parent in FIGURES:
        leaf_label = (value_labels or {}).get(leaf, leaf)
        return f"{FIGURES[parent]}：{leaf_label}"
    return code


def summary_rows(summary: dict[str, Any], value_labels: dict[str, str]) -> list[tuple[str, str, Any, str]]:
    """(section label, figure label, value, code) for every figure of the summary, in the summary's order."""
    rows: list[tuple[str, str, Any, str]] = []
    for section in SECTIONS:
        figures = summary.get(section)
        if not isinstance(figures, dict):
            continue
        for key, value in figures.items():
            code = f"{section}.{key}"
            if isinstance(value, dict):
                for sub, inner in value.items():
                    rows.append(
                        (section_label(section), figure_label(f"{code}.{sub}", value_labels), inner, f"{code}.{sub}")
                    )
            else:
                rows.append((section_label(section), figure_label(code, value_labels), value, code))
    return rows
