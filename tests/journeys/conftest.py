"""What every browser journey shares: ``shot(page, step)`` keeps a screenshot of a key step as a test
artifact, ``test-artifacts/journeys/<test>/<step>.png`` (git-ignored; CI keeps the folder)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journeys"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name).strip("-")


@pytest.fixture
def shot(request: Any) -> Callable[..., Path]:
    """``shot(page, "step")`` saves the whole page as it is now and returns the file's path."""
    folder = ARTIFACTS / _safe(request.node.name)

    def take(page: Any, step: str, *, full_page: bool = True) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_safe(step)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
