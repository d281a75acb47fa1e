"""Search keys for names and places: what a person may type to find a child or a village.

A key holds the name in simplified characters, its pinyin without tones and the pinyin initials
("王小雨 wangxiaoyu wxy"), so a search by characters, by pinyin, by initials, in traditional
characters or with a homophone (王晓雨 → wangxiaoyu) is one ``LIKE`` on an indexed-table column,
inside whatever queryset the caller may see. Traditional → simplified by OpenCC's dictionaries
(opencc-python-reimplemented); pinyin by pypinyin, as the triage duplicate check does.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC
from pypinyin import lazy_pinyin

_HANZI = re.compile(r"[\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def _syllables(simplified: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(simplified) if s.strip()]


def search_key(text: str) -> str:
    """``"王曉雨"`` → ``"王晓雨 wangxiaoyu wxy"``: simplified text, toneless pinyin, initials."""
    simplified = _SPACES.sub("", to_simplified(text or "")).lower()
    if not simplified:
        return ""
    syllables = _syllables(simplified)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return " ".join(dict.fromkeys(p for p in (simplified, full, initials) if p))


def search_terms(query: str) -> list[str]:
    """What to look for in a key: the query in simplified characters and, when it holds Chinese
    characters, their pinyin (which finds homophones: 王晓雨 finds 王小雨)."""
    simplified = _SPACES.sub("", to_simplified(query or "")).lower()
    if not simplified:
        return []
    terms = [simplified]
    if _HANZI.search(simplified):
        terms.append("".join(_syllables(simplified)))
    return list(dict.fromkeys(terms))
