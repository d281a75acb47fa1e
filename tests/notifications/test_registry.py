"""Each app contributes its own reminder rules, timeline lines and member figures to the registry of
the app below it; the lower app imports none of them."""

from __future__ import annotations

import pytest

from alliance.selectors import CONTRIBUTION_SOURCES, member_contribution
from cases.selectors import TIMELINE_SOURCES
from notifications.reminders import RESOLVERS, RULES, sweep

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_reminder_rules():
    owners = {name: rule.__module__ for name, (rule, _clock) in RULES.items()}
    assert owners == {
        "directors_without_meeting": "alliance.reminders",
        "visits_due": "cases.reminders",
        "cases_quiet": "cases.reminders",
        "care_plans_due": "cases.reminders",
        "caseload_pace": "cases.reminders",
        "referrals_waiting": "referrals.reminders",
        "outgoing_unanswered": "referrals.reminders",
        "pledge_requests_unanswered": "resources.reminders",
        "register_updates_due": "registry.reminders",
        "register_updates_waiting": "registry.reminders",
        "register_towns_behind": "registry.reminders",
    }
    assert {r.__module__ for r in RESOLVERS} == {
        "cases.reminders",
        "referrals.reminders",
        "resources.reminders",
        "registry.reminders",
    }


def test_the_sweep_runs_every_rule_and_the_resolvers(cast):
    results = sweep()
    assert set(results) == {*RULES, "resolved"}
    assert all(count >= 0 for count in results.values()), results


def test_promise_first_adds_to_the_case_timeline_and_the_member_page(cast):
    assert sorted(s.__module__ for s in TIMELINE_SOURCES) == ["programmes.timeline", "resources.timeline"]
    assert [s.__module__ for s in CONTRIBUTION_SOURCES] == ["resources.contributions"]
    figures = member_contribution(cast.pledger.member)
    assert {"hours", "given", "by_kind", "total_value", "times"} <= set(figures)
    assert figures["times"] == 0 and figures["hours"] == 0
