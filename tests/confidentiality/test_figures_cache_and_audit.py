"""An audit row is not a figure: writing one must not make every cached report stale (issue 15)."""

from __future__ import annotations

import pytest
from django.apps import apps

from core.audit import audit_log
from core.models import AuditAction
from reports import cache

pytestmark = pytest.mark.django_db


def test_writing_an_audit_row_does_not_change_the_figures_generation(cast):
    cache.bump()  # the sequence is called at least once, so a later bump would show
    before = cache.generation()
    audit_log(action=AuditAction.VIEW, object_type="case", object_id=cast.case.pk, detail={"ids": [cast.case.pk]})
    assert cache.generation() == before


def test_every_ignored_model_names_a_real_model():
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert cache.IGNORED_MODELS <= labels, cache.IGNORED_MODELS - labels
