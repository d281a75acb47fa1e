"""The Celery app: Redis broker and result backend from REDIS_URL, settings under CELERY_* in config.settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shouhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
