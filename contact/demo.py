"""Demo content for the contact page. Only creates; never changes an editor's work."""

from wagtail.models import Site

from contact.models import ContactPage

CONTACT_PAGE = {
    "slug": "contact",
    "title": "Contact",
    "intro": (
        "<p>Use this form to ask about starting therapy, to check whether I have an opening, "
        "or to arrange a free 15-minute phone call. I usually answer within two working "
        "days.</p><p>A short note is plenty: please keep clinical details for when we "
        "speak.</p>"
    ),
    "thank_you_text": (
        "<p>Your message is on its way to me and is stored safely on this site's server. "
        "I will get back to you within two working days, by the method you chose.</p>"
    ),
    "show_in_menus": True,
}


def seed(stdout) -> None:
    home = Site.objects.get(is_default_site=True).root_page.specific
    if home.get_children().filter(slug=CONTACT_PAGE["slug"]).exists():
        return
    page = ContactPage(**CONTACT_PAGE)
    home.add_child(instance=page)
    page.save_revision().publish()
    stdout.write("Created the contact page.")
    # Point the home page's call to action here, unless an editor chose a page already
    # or has unpublished changes that publishing would overwrite.
    if home.call_to_action_page_id is None and not home.has_unpublished_changes:
        home.call_to_action_page = page
        home.save_revision().publish()
        stdout.write("Linked the home page's call to action to the contact page.")
