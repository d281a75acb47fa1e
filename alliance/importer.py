"""Import Alliance rosters from CSV or XLSX: every row is checked first; nothing is saved unless all are good."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from alliance.models import MemberKind, Sector
from core.api_fields import PHONE_RE
from core.hygiene import clean_text
from core.models import Location

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = {
    "name": ("name", "姓名", "名称"),
    "kind": ("kind", "类型"),
    "sector": ("sector", "界别"),
    "village": ("village", "村", "村/社区", "location"),
    "roles": ("roles", "角色"),
    "phone": ("phone", "电话"),
    "joined_on": ("joined_on", "加入日期"),
}
REQUIRED = ("name", "sector", "village")
ROLE_WORDS = {
    "referrer": "referrer",
    "转介人": "referrer",
    "pledger": "pledger",
    "承诺人": "pledger",
    "volunteer": "volunteer",
    "志愿者": "volunteer",
}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)


def _read_rows(upload: Any) -> list[list[str]]:
    name = (upload.name or "").lower()
    if getattr(upload, "size", None) == 0:
        raise ValueError(_("The file is empty (0 bytes). Choose the file again."))
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(upload, read_only=True, data_only=False)
        sheet = book.worksheets[0]
        return [
            ["" if c is None else clean_text(str(c)).strip() for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    if name.endswith(".csv"):
        text = upload.read().decode("utf-8-sig", errors="strict")
        return [[clean_text(c).strip() for c in row] for row in csv.reader(io.StringIO(text))]
    raise ValueError(_("Upload a .csv or .xlsx file."))


def _label_map(choices: Any) -> dict[str, str]:
    """Codes and their labels in every language we ship: a Chinese roster imports on an English page too."""
    from django.utils import translation

    mapping = {code: code for code in choices.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            mapping.update({str(label): code for code, label in choices.choices})
    return mapping


def parse_roster(upload: Any) -> tuple[list[ParsedRow], list[str]]:
    """Returns the rows (each with its own errors) and errors about the file as a whole."""
    if upload.size > MAX_BYTES:
        return [], [_("The file is too large (at most 5 MB).")]
    try:
        table = [row for row in _read_rows(upload) if any(row)]
    except (ValueError, UnicodeDecodeError, KeyError, OSError) as exc:
        return [], [str(exc) if isinstance(exc, ValueError) else _("The file could not be read.")]
    except Exception:  # noqa: BLE001 - a broken spreadsheet is the user's input, not our crash
        return [], [_("The file could not be read.")]
    if not table:
        return [], [_("The file is empty.")]
    header = [h.strip().lower() for h in table[0]]
    index: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [COLUMNS[k][1] for k in REQUIRED if k not in index]
    if missing:
        return [], [
            _("Missing columns: %(c)s. Expected: 姓名, 界别, 村, 角色, 电话, 加入日期.") % {"c": ", ".join(missing)}
        ]
    if len(table) - 1 > MAX_ROWS:
        return [], [_("At most %(n)s rows at a time.") % {"n": MAX_ROWS}]
    villages = {loc.name: loc for loc in Location.objects.filter(kind__in=["village", "community", "town"])}
    sectors = _label_map(Sector)
    kinds = _label_map(MemberKind)
    rows = []
    for number, raw in enumerate(table[1:], start=2):

        def cell(key: str, raw: list[str] = raw) -> str:
            i = index.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        row = ParsedRow(number=number, values={})
        for key in COLUMNS:
            if cell(key)[:1] in ("=", "+", "@") or (cell(key)[:1] == "-" and key != "phone"):
                row.errors.append(_("Column %(c)s looks like a formula; write plain text.") % {"c": COLUMNS[key][1]})
        name = cell("name")
        if not name or len(name) > 200:
            row.errors.append(_("A name is needed (at most 200 characters)."))
        sector = sectors.get(cell("sector"))
        if sector is None:
            row.errors.append(_("Unknown sector: %(v)s") % {"v": cell("sector")[:50]})
        village = villages.get(cell("village"))
        if village is None:
            row.errors.append(_("Unknown village: %(v)s") % {"v": cell("village")[:50]})
        phone = cell("phone").replace(" ", "")
        if phone and not PHONE_RE.match(phone):
            row.errors.append(_("Bad phone number: %(v)s") % {"v": phone[:30]})
        roles = {
            ROLE_WORDS.get(w.strip())
            for w in cell("roles").replace("，", ",").replace("、", ",").split(",")
            if w.strip()
        }
        if None in roles:
            row.errors.append(_("Unknown role in: %(v)s") % {"v": cell("roles")[:50]})
        joined = None
        if cell("joined_on"):
            try:
                joined = dt.date.fromisoformat(cell("joined_on")[:10])
            except ValueError:
                row.errors.append(_("Bad date (use YYYY-MM-DD): %(v)s") % {"v": cell("joined_on")[:20]})
        row.values = {
            "name": name,
            "kind": kinds.get(cell("kind"), MemberKind.INDIVIDUAL),
            "sector": sector,
            "location_id": village.pk if village else None,
            "phone": phone,
            "joined_on": joined,
            "is_referrer": "referrer" in roles,
            "is_pledger": "pledger" in roles,
            "is_volunteer": "volunteer" in roles,
        }
        rows.append(row)
    return rows, []
