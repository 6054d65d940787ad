from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from wagtail.models import Site

from articles.models import ArticleIndexPage, ArticlePage
from benchmarks.content import create_article_with_references, create_articles, measure


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Server time of the article index with 10 and 10,000 articles and of an article with "
        "1 and 100 references. Needs the demo site (seed_demo); changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Requests per figure.")
        parser.add_argument("--articles", type=int, default=10_000)

    def handle(self, *args, repeat, articles, **options):
        site = Site.objects.get(is_default_site=True)
        index = ArticleIndexPage.objects.descendant_of(site.root_page).first()
        if index is None:
            raise CommandError("No article index: run `manage.py seed_demo` first.")
        client = Client(HTTP_HOST=site.hostname)
        try:
            with transaction.atomic():
                self.run(client, index, repeat, articles)
                raise Rollback
        except Rollback:
            pass

    def run(self, client, index, repeat, articles):
        index_url = index.get_url()
        for total in (10, articles):
            create_articles(index, total - ArticlePage.objects.child_of(index).count(), tags=2)
            self.report(f"index, {total} articles", *measure(client, index_url, repeat))
        for count in (1, 100):
            page = create_article_with_references(index, count, tags=3)
            self.report(f"article, {count} references", *measure(client, page.url, repeat))

    def report(self, label, milliseconds, queries):
        self.stdout.write(f"{label:<28} {milliseconds:8.1f} ms  {queries:3d} queries")
