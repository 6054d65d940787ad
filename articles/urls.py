from django.urls import path

from articles.feeds import ArticlesAtomFeed, ArticlesFeed

app_name = "articles"
urlpatterns = [
    path("feeds/articles.rss", ArticlesFeed(), name="rss"),
    path("feeds/articles.atom", ArticlesAtomFeed(), name="atom"),
]
