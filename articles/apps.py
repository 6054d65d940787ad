from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from practice import front_cache

        # The feeds list the latest articles: publishing one purges them at the front cache.
        front_cache.purge_on_publish("articles:rss", "articles:atom")
