from wagtail.admin.forms import WagtailAdminPageForm


class ArticlePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new article is by the therapist unless the editor says otherwise.
        if (
            "author" in self.fields
            and self.instance._state.adding
            and not self.initial.get("author")
            and self.parent_page is not None
        ):
            from practice.models import PracticeSettings

            site = self.parent_page.get_site()
            if site is not None:
                self.initial["author"] = PracticeSettings.for_site(site).therapist_name
