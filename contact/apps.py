from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "contact"
    verbose_name = "Contact"

    def ready(self):
        from contact import spam
        from practice import per_visitor

        # The contact form's signed render time, fresh for each visitor of the stored form.
        per_visitor.register("rendered_at", lambda request: spam.sign_render_time())
