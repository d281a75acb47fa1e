from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo town (`seed_demo`) and the scale dataset (`seed_scale`). Sits on top of every other app;
    nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
