from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from practice import signals, two_factor  # noqa: F401 (connects its receivers)

        signals.connect()
