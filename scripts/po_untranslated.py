"""List (or fill) untranslated entries of the zh_Hans catalogues.

python scripts/po_untranslated.py            # print untranslated msgids, one repr per line
python scripts/po_untranslated.py fill F.py  # fill from a dict TR = {msgid: msgstr} in F.py
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"]


def main() -> int:
    table = runpy.run_path(sys.argv[2])["TR"] if len(sys.argv) > 2 and sys.argv[1] == "fill" else None
    left = []
    for path in catalogues():
        po = polib.pofile(str(path))
        for entry in po:
            done = entry.translated() and "fuzzy" not in entry.flags
            if table is not None and entry.msgid in table and not done:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: table[entry.msgid]}
                else:
                    entry.msgstr = table[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            if not entry.translated() or "fuzzy" in entry.flags:
                left.append(entry.msgid)
        if table is not None:
            po.save()
    for msgid in dict.fromkeys(left):
        print(repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
