"""List the untranslated (or fuzzy) entries of the zh_Hans catalogues, one repr per line.

    python scripts/po_untranslated.py

The .po files are the source of the Chinese: add the msgstr there, then `python scripts/i18n.py compile`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[Path]:
    return sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + [ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"]


def main() -> int:
    left = []
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            if not entry.translated() or "fuzzy" in entry.flags:
                left.append(f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid)
    for msgid in dict.fromkeys(left):
        print(repr(msgid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
