from tests.organisations.conftest import city  # noqa: F401  (the two-NGO fixture, re-exported)
