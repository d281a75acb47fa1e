from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class FaviconRedirect(RedirectView):
    """/favicon.ico → the hashed static file; resolved per request, since the manifest of a
    production build only exists after collectstatic (and `check --deploy` imports the URLs)."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.ico")


api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("core.api_urls")),
    path("", include("organisations.api_urls")),
    path("", include("alliance.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("resources.api_urls")),
    path("", include("programmes.api_urls")),
    path("", include("multiagency.api_urls")),
    path("", include("workforce.api_urls")),
    path("", include("registry.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("reports.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),  # no inline script (CSP)
]

urlpatterns = [
    path("favicon.ico", FaviconRedirect.as_view()),
    path("api/v1/", include(api_v1)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.auth_urls")),
    path("users/", include("accounts.urls")),
    path("", include("core.urls")),
    path("organisations/", include("organisations.urls")),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("alliance/", include("alliance.urls")),
    path("promises/", include("resources.urls")),
    path("programmes/", include("programmes.urls")),
    path("multi-agency/", include("multiagency.urls")),
    path("workforce/", include("workforce.urls")),
    path("registry/", include("registry.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
