from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self):
        from practice import signals, two_factor  # noqa: F401 (connects its receivers)

        signals.connect()

        from django.conf import settings

        # Nothing is sent anywhere without a DSN (README, "Security").
        if settings.SENTRY_DSN:
            from practice import error_reports

            error_reports.init(settings.SENTRY_DSN, environment=settings.SENTRY_ENVIRONMENT)
