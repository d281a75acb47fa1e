"""`python -m tests.celery_main worker ...`: the Celery command line for the test workers.

When the test session runs with a moved clock (SHOUHU_TEST_CLOCK), the worker subprocess is moved to
the same instant (SHOUHU_TEST_CLOCK_AT, ticking), so "today" is the same day on both sides.
"""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    at = os.environ.get("SHOUHU_TEST_CLOCK_AT")
    if at:
        import time_machine

        time_machine.travel(at, tick=True).start()
    from celery.bin.celery import main

    sys.exit(main())
