"""Assessment, care plan, documents and approvals pages; included by cases/urls.py (namespace "cases")."""

urlpatterns: list = []
