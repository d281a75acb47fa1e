"""Ids past 999 stay plain in pages (links, form values, data attributes); yuan amounts are grouped."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from core.models import Location
from core.templatetags.shouhu import yuan


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_id_past_999_renders_without_a_separator_and_yuan_are_grouped(language):
    with translation.override(language):
        assert Template('<option value="{{ n }}">{{ n }}</option>').render(Context({"n": 1297})) == (
            '<option value="1297">1297</option>'
        )
        assert yuan(1234567.5) == "¥1,234,567.50"


@pytest.mark.django_db
def test_a_select_of_places_past_999_submits_the_real_id(client_for, cast):
    place = Location.objects.create(pk=12_345, name="远山村", kind="village", parent=cast.village.parent)
    page = client_for(cast.manager).get("/alliance/").content.decode()
    assert f'value="{place.pk}"' in page and "12,345" not in page
