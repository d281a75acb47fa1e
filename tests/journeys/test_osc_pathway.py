"""The One-Stop Centre pathway (issue 11), walked in the browser by the people who do it.

A WF director's referral of a sexual-abuse case reaches NGO A; its social worker links it to the child's case,
opens a multi-agency case and invites a procuratorate, a psychological service and a law firm. The child is
interviewed once, the agencies meet in a case conference whose decisions become each agency's task, the law
firm's lawyer completes the legal-aid action from her own login, and the case is closed with what each
agency delivered."""

from __future__ import annotations

import pytest
from django.utils import timezone

from multiagency.models import ForensicInterview, JointCase, JointTask
from tests.conftest import browser_login
from tests.factories import ReferralFactory
from tests.multiagency.conftest import agency
from tests.organisations.conftest import city  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, button) -> None:
    """Click a form's button and wait for the page it leads to; a refusal on it fails the test with its words."""
    with page.expect_navigation():
        button.click()
    errors = page.locator(".invalid-feedback, .alert-danger, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def test_referral_interview_conference_legal_aid_and_closing(city, page, browser, shot):  # noqa: F811
    lead = city.a.worker
    case = city.a.case
    referral = ReferralFactory(
        child_name=city.a.child_name,
        location=city.village,
        organisation=city.a.organisation,
        concerns="孩子说邻居多次对她动手动脚，不让她告诉家人",
        urgency="immediate",
        received_on=timezone.localdate(),
    )
    procuratorate = agency("检察院", "procuratorate")
    psychologist = agency("心理", "other")
    law_firm = agency("律所", "law_firm")
    today = timezone.localdate().isoformat()

    # the social worker links the referral to the child's open case
    browser_login(page, lead.username)
    page.goto(page.base_url + f"/referrals/{referral.pk}/")
    page.click(f"[data-testid=link-{case.child_id}]")
    page.wait_for_selector("[data-testid=referral-status]")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.case_id == case.pk

    # she opens the multi-agency case and invites the three agencies, each with what it needs to see
    page.goto(page.base_url + "/multi-agency/")
    page.fill("form[data-testid=joint-open] [name=number]", case.number)
    page.fill("form[data-testid=joint-open] [name=summary]", "一站式：性侵案件，需要询问、法律援助和心理支持")
    submit(page, page.locator("form[data-testid=joint-open] button"))
    page.wait_for_selector("[data-testid=joint-summary]")
    shot(page, "01-multi-agency-case")
    joint = JointCase.objects.get(case=case)
    for who, role, scope in (
        (procuratorate, "procuratorate", "plan_and_interview"),
        (psychologist, "psychological_support", "plan"),
        (law_firm, "legal_aid", "own_tasks"),
    ):
        form = page.locator("form[data-testid=joint-invite]")
        if not form.is_visible():
            page.click("[data-testid=joint-partners] details > summary")
        form.locator("[name=organisation]").select_option(str(who.organisation.pk))
        form.locator("[name=role]").select_option(role)
        form.locator(f"[name=scope][value={scope}]").check()
        submit(page, form.locator("button"))
    assert joint.partners.filter(left_on__isnull=True).count() == 3

    # the single forensic interview, with the procuratorate present
    form = page.locator("form[data-testid=joint-interview-form]")
    form.locator("[name=date]").fill(today)
    form.locator("[name=place]").fill("一站式询问室")
    form.locator(f"[name=agencies][value='{procuratorate.organisation.pk}']").check()
    form.locator("[name=attendees]").fill("检察官、社工、女警、监护人")
    form.locator("[name=record]").fill("询问一次完成，录音录像，孩子情绪稳定。")
    submit(page, form.locator("button"))
    assert ForensicInterview.objects.filter(joint_case=joint).count() == 1
    assert page.locator("form[data-testid=joint-interview-form]").count() == 0  # no second interview

    # a case conference today with the three agencies; its decisions become their tasks
    if not page.locator("form[data-testid=conference-form]").is_visible():
        page.click("[data-testid=joint-conferences] details > summary")
    form = page.locator("form[data-testid=conference-form]")
    form.locator("[name=date]").fill(today)
    for who in (procuratorate, psychologist, law_firm):
        form.locator(f"[name=agencies][value='{who.organisation.pk}']").check()
    submit(page, form.locator("button"))
    page.click("[data-conference] details > summary")  # after the conference: "Record the minutes"
    minutes = page.locator("form[data-testid=conference-minutes-form]")
    minutes.wait_for()
    for who in (procuratorate, psychologist, law_firm):
        minutes.locator(f"[name$=-agencies][value='{who.organisation.pk}']").check()
    minutes.locator("[name$=-minutes]").fill("三方会商：询问已完成，下一步起诉、心理疏导和法律援助。")
    minutes.locator("[name$=-decisions]").fill("检察院审查起诉；心理机构每周一次疏导；律所代理附带民事诉讼。")
    actions = [
        (procuratorate, "审查起诉"),
        (psychologist, "每周一次心理疏导，共八次"),
        (law_firm, "法律援助：代理附带民事诉讼"),
    ]
    for n, (who, title) in enumerate(actions):
        minutes.locator(f"[name$=f-{n}-organisation]").select_option(str(who.organisation.pk))
        minutes.locator(f"[name$=f-{n}-title]").fill(title)
        minutes.locator(f"[name$=f-{n}-due_on]").fill(today)
    submit(page, minutes.locator("button"))
    legal_aid = JointTask.objects.get(joint_case=joint, title="法律援助：代理附带民事诉讼")
    assert legal_aid.organisation == law_firm.organisation and legal_aid.conference_id is not None

    # the law firm's lawyer, from her own login, completes the legal-aid action (she sees her own tasks only)
    lawyer = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    lawyer.base_url = page.base_url
    browser_login(lawyer, law_firm.worker.username)
    lawyer.goto(lawyer.base_url + f"/multi-agency/{joint.pk}/")
    plan = lawyer.inner_text("[data-testid=joint-plan]")
    assert "法律援助：代理附带民事诉讼" in plan and "每周一次心理疏导" not in plan
    assert city.a.child_name not in lawyer.content()  # own-tasks scope: not the child's name
    task_form = lawyer.locator(f"form[action$='/tasks/{legal_aid.pk}/']")
    task_form.locator(f"[name=t{legal_aid.pk}-status]").select_option("done")
    task_form.locator(f"[name=t{legal_aid.pk}-outcome]").fill("已代理提起附带民事诉讼")
    submit(lawyer, task_form.locator("button"))
    legal_aid.refresh_from_db()
    assert legal_aid.status == "done"

    # the lead marks the other agencies' actions done as they report them, then closes the case
    page.reload()
    for task in JointTask.objects.filter(joint_case=joint).exclude(status="done"):
        task_form = page.locator(f"form[action$='/tasks/{task.pk}/']")
        task_form.locator(f"[name=t{task.pk}-status]").select_option("done")
        task_form.locator(f"[name=t{task.pk}-outcome]").fill(f"{task.organisation.name}已完成")
        submit(page, task_form.locator("button"))
    submit(page, page.locator("form[data-testid=joint-close-form] button"))
    joint.refresh_from_db()
    assert joint.closed_on == timezone.localdate()
    delivered = page.inner_text("[data-testid=joint-delivered]")
    for who, _ in actions:
        assert who.organisation.name in delivered
    assert city.a.organisation.name in delivered
    assert "已代理提起附带民事诉讼" in delivered  # what the law firm delivered, in its own words
    shot(page, "02-closing-summary")
