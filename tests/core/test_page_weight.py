"""Weight (issue 14, item 9): Director Wang's referral form, on a first visit with nothing cached, costs at
most 100 KB to download in production. Production serves static files through WhiteNoise's
CompressedManifestStaticFilesStorage: each file gzip-compressed (level 9) ahead of time, sent compressed to
a browser that accepts gzip, under a hashed name cached for a year. The page itself comes from gunicorn
uncompressed, so it counts at its full size."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"?#]+)"')


def test_production_serves_static_files_compressed_and_cached():
    storage = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    source = Path(settings.BASE_DIR / "config" / "settings.py").read_text()
    assert f'"{storage}"\n            if PRODUCTION' in source
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


@override_settings(
    STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
)
def test_the_referral_forms_first_load_is_at_most_100_kb(cast, client_for):
    response = client_for(cast.referrer).get("/referrals/new/")
    assert response.status_code == 200
    html = response.content
    assets = ASSET.findall(html.decode())
    # the page's own styles, its scripts and the favicon: everything a first load fetches
    assert any(a.endswith(".css") for a in assets) and any(a.endswith("referral-form.js") for a in assets)
    assert "/static/favicon.png" in assets
    sizes = {"page": len(html)}
    for url in dict.fromkeys(assets):
        path = finders.find(url.removeprefix(settings.STATIC_URL))
        assert path, url
        sizes[url] = len(gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0))
    total = sum(sizes.values())
    print(f"referral form, first load: {total} bytes {sizes}")
    assert total <= BUDGET, sizes
