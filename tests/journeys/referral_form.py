"""Filling Director Wang's referral form in a browser journey, as she does: name, sex, age, what she
saw, the indicators she ticks and the urgency."""

from __future__ import annotations

from typing import Any


def fill_referral(
    page: Any, *, name: str, sex: str, age: str, concerns: str, urgency: str, indicators: tuple[str, ...] = ()
) -> None:
    page.fill("input[name=child_name]", name)
    page.check(f"input[name=child_sex][value={sex}]")
    page.fill("input[name=child_age]", age)
    page.fill("textarea[name=concerns]", concerns)
    for indicator in indicators:
        page.check(f"input[name=indicators][value={indicator}]")
    page.check(f"input[name=urgency][value={urgency}]")
