"""A distinctive child planted by the test suite, and the scans that prove it leaks nowhere (issue 15).

The name and ID number below are used by no other test and occur in no ordinary text, so finding one
in a log record, a Redis key or value, an email or a message meant for someone outside the case is a
leak, whoever wrote it. ``tests/conftest.py`` records every log record of the whole run and scans the
session's Redis database at the end; ``tests/confidentiality/test_planted_name.py`` drives the paths
that touch the planted child.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

PLANTED_NAME = "蒯璨璟"  # 蒯 is a rare surname, 璨璟 rare given characters
PLANTED_GIVEN_NAME = "璨璟"
PLANTED_ID_NUMBER = "53312920150707881X"
PLANTED_PHONE = "13709988776"
MARKERS = (PLANTED_NAME, PLANTED_GIVEN_NAME, PLANTED_ID_NUMBER, PLANTED_PHONE)


def _forms(marker: str) -> list[bytes]:
    """How a marker can be written down: UTF-8, JSON's \\u escapes (either case), URL-quoted."""
    escaped = json.dumps(marker)[1:-1]
    return sorted({marker.encode(), escaped.encode(), escaped.upper().encode(), quote(marker).encode()})


FORMS = {marker: _forms(marker) for marker in MARKERS}


def markers_in(data: bytes | str) -> list[str]:
    blob = data.encode() if isinstance(data, str) else data
    upper = blob.upper()
    return [m for m, forms in FORMS.items() if any(f in blob or f.upper() in upper for f in forms)]


def _expand(blob: bytes, depth: int = 0) -> Iterator[bytes]:
    """The blob, and what it carries inside: the strings of a JSON document and, decoded, any
    base64 among them (kombu stores a task's body base64-encoded inside a JSON envelope)."""
    yield blob
    if depth > 3:
        return
    try:
        document = json.loads(blob)
    except (ValueError, UnicodeDecodeError):
        document = None
    strings: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    for text in strings:
        yield text.encode()
        if len(text) >= 8:
            try:
                decoded = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                continue
            yield from _expand(decoded, depth + 1)
        if text[:1] in "[{":
            yield from _expand(text.encode(), depth + 1)


def leaks_in(blobs: Iterable[bytes | str]) -> list[str]:
    found: set[str] = set()
    for blob in blobs:
        raw = blob.encode() if isinstance(blob, str) else blob
        for part in _expand(raw):
            found.update(markers_in(part))
    return sorted(found)


def redis_leaks(client: Any) -> dict[str, list[str]]:
    """Every key of the Redis database whose name or value carries a marker: {key: markers}."""
    leaks: dict[str, list[str]] = {}
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        if kind == b"string":
            values = [client.get(key) or b""]
        elif kind == b"list":
            values = client.lrange(key, 0, -1)
        elif kind == b"hash":
            values = [b for pair in client.hgetall(key).items() for b in pair]
        elif kind == b"set":
            values = list(client.smembers(key))
        elif kind == b"zset":
            values = client.zrange(key, 0, -1)
        elif kind == b"stream":
            values = [
                json.dumps({k.decode(): v.decode() for k, v in f.items()}).encode() for _, f in client.xrange(key)
            ]
        else:
            values = []
        found = leaks_in([key, *values])
        if found:
            leaks[key.decode(errors="replace")] = found
    return leaks


class LogLeakRecorder:
    """Sees every log record any logger hands to its handlers (propagating or not) and keeps those
    that carry a marker: the message with its arguments, and the traceback."""

    def __init__(self) -> None:
        self.leaks: list[str] = []
        self.seen = 0
        self._lock = threading.Lock()
        self._original: Any = None

    def install(self) -> None:
        if self._original is not None:
            return
        original = self._original = logging.Logger.callHandlers
        recorder = self

        def call_handlers(logger: logging.Logger, record: logging.LogRecord) -> None:
            recorder.inspect(record)
            original(logger, record)

        logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            logging.Logger.callHandlers = self._original  # type: ignore[method-assign]
            self._original = None

    def inspect(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record whose arguments do not format: read them as they are
            text = f"{record.msg} {record.args}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]!r}"
        text += f" {record.exc_text or ''}"
        with self._lock:
            self.seen += 1
            found = markers_in(text)
            if found:
                self.leaks.append(f"{record.name} {record.levelname}: {text[:300]} ({', '.join(found)})")


RECORDER = LogLeakRecorder()
