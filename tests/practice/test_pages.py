from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from practice.models import ContentPage, HomePage
from tests.html import inline_attributes, third_party_urls


class HomePageTests(WagtailPageTestCase):
    def setUp(self):
        from django.core.management import call_command

        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.home = HomePage.objects.get()

    def test_routable_and_renderable(self):
        self.assertPageIsRoutable(self.home)
        self.assertPageIsRenderable(self.home)

    def test_created_only_at_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(ContentPage, HomePage)

    def test_shows_intro_and_one_h1(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(html.count("<h1"), 1)
        self.assertIn(self.home.intro, html)
        self.assertEqual(third_party_urls(html), [])
        self.assertEqual(inline_attributes(html), [])


class ContentPageTests(WagtailPageTestCase):
    def setUp(self):
        from django.core.management import call_command

        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.page = ContentPage.objects.get(slug="therapy-partners")
        self.login()

    def test_routable_and_renderable(self):
        self.assertPageIsRoutable(self.page)
        self.assertPageIsRenderable(self.page)

    def test_created_under_home_and_content_pages(self):
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanCreateAt(ContentPage, ContentPage)
        self.assertCanNotCreateAt(Page, ContentPage)

    def test_streamfield_blocks_render(self):
        home = HomePage.objects.get()
        page = ContentPage(
            title="Fees",
            slug="fees-test",
            body=[
                {"type": "heading", "value": {"text": "Session fees", "level": "h2"}},
                {"type": "paragraph", "value": "<p>Sliding scale <b>available</b>.</p>"},
                {"type": "quote", "value": {"quote": "Words matter.", "source": "A. Client"}},
                {
                    "type": "call_to_action",
                    "value": {"text": "Ask us", "page": home.pk, "label": "Contact"},
                },
            ],
        )
        home.add_child(instance=page)
        html = self.client.get(page.url).content.decode()
        self.assertIn("<h2>Session fees</h2>", html)
        self.assertIn("<b>available</b>", html)
        self.assertIn("<blockquote", html)
        self.assertIn("A. Client", html)
        self.assertIn('class="btn btn-primary" href="/"', html)

    def test_creatable_through_the_admin_form(self):
        home = HomePage.objects.get()
        self.assertCanCreate(
            home,
            ContentPage,
            nested_form_data(
                {
                    "title": "Telehealth",
                    "slug": "telehealth",
                    "summary": "Sessions by secure video.",
                    "body": streamfield([("paragraph", rich_text("<p>By secure video.</p>"))]),
                }
            ),
        )
        self.assertTrue(ContentPage.objects.filter(slug="telehealth").exists())
