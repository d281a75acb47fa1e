"""Does a text identify a child? One check for every text that leaves the case file: the request a
pledger reads (resources) and the narrative of the anonymised funder report (reports).

The check is lenient about spelling, strict about content: a name matches with spaces, punctuation
or full-width characters inside it ("李 欣怡", "李·欣怡"), and so does the given name alone ("给欣怡
买校服"); household members' names, phone numbers, ID numbers and case numbers are refused too.
Each finding says what was found and why it is refused, so the writer can fix the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Two-character surnames: the given name is what follows them.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 长孙 宇文 司徒 轩辕 端木 南宫 西门 申屠 澹台 "
    "太史 百里 呼延 独孤 钟离 闻人 万俟 赫连 拓跋 第五".split()
)
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}\d{7,8}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9])\d{17}[\dXx](?![0-9])")
CASE_NUMBER = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-－–—_/]\s*\d{4}(?!\d)")
DIGIT_SEPARATORS = re.compile(r"[\s\-－–—()（）.+]")


def squash(text: str) -> str:
    """The text as a name matcher reads it: NFKC (full-width to half-width), lower case, and no
    spaces, punctuation or symbols (so "李 欣怡" and "李·欣怡" read "李欣怡")."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


def given_name(name: str) -> str:
    """名 without 姓 for a Chinese name ("李欣怡" → "欣怡", "欧阳翠花" → "翠花"); "" when there is none
    worth checking (one character alone matches too many ordinary words)."""
    name = squash(name)
    if len(name) < 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return ""
    given = name[2:] if name[:2] in COMPOUND_SURNAMES else name[1:]
    return given if len(given) >= 2 else ""


@dataclass(frozen=True)
class Finding:
    kind: str  # name | given_name | household_name | phone | id_number | case_number
    text: str

    def describe(self) -> str:
        if self.kind == "name":
            return _("the child's name “%(t)s”") % {"t": self.text}
        if self.kind == "given_name":
            return _("the child's given name “%(t)s”") % {"t": self.text}
        if self.kind == "household_name":
            return _("the name of someone in the child's household “%(t)s”") % {"t": self.text}
        if self.kind == "phone":
            return _("a phone number “%(t)s”") % {"t": self.text}
        if self.kind == "id_number":
            return _("an ID number")
        return _("a case number “%(t)s”") % {"t": self.text}


def find_identifying(
    text: str,
    *,
    names: Iterable[str] = (),
    given_names_of: Iterable[str] = (),
    household_names: Iterable[str] = (),
    case_numbers: Iterable[str] = (),
) -> list[Finding]:
    """Everything in ``text`` that could identify a child, in a stable order, each once.

    ``names``: full names matched in any spelling; ``given_names_of``: names whose given name alone
    is refused too (the child the text is about); ``household_names``: the family's names; phone,
    ID and case numbers are refused whoever they belong to.
    """
    findings: list[Finding] = []
    squashed = squash(text)

    def add(kind: str, found: str) -> None:
        finding = Finding(kind, found)
        if finding not in findings:
            findings.append(finding)

    for name in names:
        if len(squash(name)) >= 2 and squash(name) in squashed:
            add("name", name)
    for name in given_names_of:
        given = given_name(name)
        if given and given in squashed and not any(f.kind == "name" and f.text == name for f in findings):
            add("given_name", given)
    for name in household_names:
        if len(squash(name)) >= 2 and squash(name) in squashed:
            add("household_name", name)
    digits = DIGIT_SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    for match in ID_NUMBER.finditer(digits):
        add("id_number", match.group())
    without_ids = ID_NUMBER.sub(" ", digits)
    for pattern in (MOBILE, LANDLINE):
        for match in pattern.finditer(without_ids):
            add("phone", match.group())
    folded = unicodedata.normalize("NFKC", text or "")
    for match in CASE_NUMBER.finditer(folded):
        add("case_number", re.sub(r"\s", "", match.group()))
    for number in case_numbers:
        if number and squash(number) in squashed and not any(f.kind == "case_number" for f in findings):
            add("case_number", number)
    return findings


def findings_for_case(text: str, case: Any) -> list[Finding]:
    """The check of a text about one case: its child's name and given name, its household, its number."""
    child = case.child
    household = list(child.household.values_list("name", flat=True))
    return find_identifying(
        text,
        names=[child.name],
        given_names_of=[child.name],
        household_names=household,
        case_numbers=[case.number],
    )


def refusal(findings: list[Finding], *, reader: str) -> str:
    """The message for the form: what was found, and why it is refused."""
    return _(
        "Not saved: the text contains %(found)s. %(reader)s must not be able to tell who the child is: "
        "write it without names, phone, ID or case numbers."
    ) % {"found": "、".join(f.describe() for f in findings), "reader": reader}


def check_text(text: str, findings: list[Finding], *, field: str, reader: str) -> None:
    if findings:
        raise ValidationError({field: refusal(findings, reader=reader)})
