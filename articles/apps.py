from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles import reformat
        from practice import front_cache

        # Sent once per app after every migrate; this app's is enough.
        post_migrate.connect(reformat.run_requested, sender=self)
        # The feeds list the latest articles: publishing one purges them at the front cache.
        front_cache.purge_on_publish("articles:rss", "articles:atom")
