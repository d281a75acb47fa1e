"""Registries through which the apps above core join the recovery sweep and the health page.

core sits at the bottom of the layers (docs/architecture.md), so it never imports notifications or
reports; they register here from their AppConfig.ready():

- ``recovery_sweep(fn)``: ``fn() -> dict[str, int]`` re-enqueues what an outage or a crash left behind
  (unsent emails, stuck reports) and says how many it touched; run every minute by ``core.tasks.recovery_sweep``.
- ``health_figures(fn)``: ``fn(now) -> dict[str, object]`` adds figures to the admin's health page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

RecoverySweep = Callable[[], dict[str, int]]
HealthFigures = Callable[[dt.datetime], dict[str, object]]

RECOVERY_SWEEPS: list[RecoverySweep] = []
HEALTH_FIGURES: list[HealthFigures] = []


def recovery_sweep(fn: RecoverySweep) -> RecoverySweep:
    if fn not in RECOVERY_SWEEPS:
        RECOVERY_SWEEPS.append(fn)
    return fn


def health_figures(fn: HealthFigures) -> HealthFigures:
    if fn not in HEALTH_FIGURES:
        HEALTH_FIGURES.append(fn)
    return fn
