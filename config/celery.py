"""The Celery app: Redis broker and result backend from REDIS_URL, settings under CELERY_* in config.settings.

Every task derives from core.celery_base.ResilientTask: retried on database and broker errors with
backoff, bounded, ending in a visible failure.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shouhu", task_cls="core.celery_base:ResilientTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
