import re
import uuid

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from articles import apa, formatted_references, reading_time
from articles.blocks import ArticleBodyBlock
from articles.citations import CitationRenderer, cited_keys
from articles.fields import AuthorListField
from articles.forms import ArticlePageForm
from articles.metadata import article_json_ld
from articles.panels import ReferencesPanel
from practice import page_cache
from practice.descriptions import plain_description
from practice.routing import CachedChildRoutesMixin, CachedViewRestrictionsMixin

# What a tag's slug can be; anything else in ?tag= matches no tag without asking the database.
SLUG = re.compile(r"[-\w]+")
WHOLE_NUMBER = re.compile(r"[-+]?\d+")


class ArticleIndexPage(CachedChildRoutesMixin, CachedViewRestrictionsMixin, Page):
    """The list of articles: newest first, ten a page, filterable by tag."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["articles.ArticlePage"]
    max_count_per_parent = 1
    per_page = 10

    class Meta:
        verbose_name = "article index page"

    @property
    def summary(self) -> str:
        """The description for search engines and search results when the Promote tab's
        search description is empty, as articles have in their summary field."""
        return plain_description(self.intro)

    def articles(self):
        """Live articles for a listing: one query, with tags in one more, bodies left out."""
        return (
            ArticlePage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .order_by("-date", "-first_published_at", "-pk")
            .prefetch_related(
                Prefetch("tagged_items", queryset=ArticlePageTag.objects.select_related("tag"))
            )
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles()
        tag_slug = request.GET.get("tag", "")[:100]
        tag = None
        if SLUG.fullmatch(tag_slug):
            tag = ArticlePageTag.tag_model().objects.filter(slug=tag_slug).first()
        if tag_slug:
            articles = articles.filter(tags__slug=tag_slug) if tag else articles.none()
        # The page cache may keep one copy per page of a tag that exists, not per made-up tag.
        page_cache.uses_query(request, "page", *(["tag"] if tag else []))
        paginator = Paginator(articles, self.per_page)
        requested = request.GET.get("page", "1").strip()
        page_obj = paginator.get_page(requested)
        # Any whole number that is not a page (past the end, 0, negative) is a missing page;
        # anything that is not a number is page 1.
        if WHOLE_NUMBER.fullmatch(requested) and (
            len(requested) > 9 or int(requested) != page_obj.number
        ):
            raise Http404("No such page of articles.")
        context.update(
            articles=page_obj,
            page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
            tag=tag,
            tag_slug=tag_slug,
        )
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "articles.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(RoutablePageMixin, CachedViewRestrictionsMixin, Page):
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences, shown in listings, feeds and search engine results.",
    )
    date = models.DateField("Publication date", default=timezone.localdate)
    updated = models.DateField(
        "Updated", null=True, blank=True, help_text="When you last changed the substance."
    )
    author = models.CharField(
        max_length=120,
        blank=True,
        help_text="Leave blank to use the therapist named in Practice details.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(ArticleBodyBlock())
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # The references as the page shows them, made whenever the page is cleaned (every save
    # of a revision, every publish) so that rendering formats nothing; see
    # articles/formatted_references.py.
    formatted_references = models.JSONField(default=dict, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("updated")]), FieldPanel("author")],
            heading="Publication",
        ),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        ReferencesPanel(
            "references",
            heading="References",
            label="Reference",
            help_text=(
                "Enter each source once. To cite one in the text, select the words it "
                "supports and press “Cite” in the toolbar that appears: the citation is added "
                "after them, with the page if you give one."
            ),
        ),
        InlinePanel("related_links", heading="Related pages", label="Related page"),
        FieldPanel("tags"),
    ]
    in_site_search = True  # /search/ lists these (practice/search.py)
    counts_as_article = True  # the visit report's "most read articles" (practice/visit_report.py)
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    parent_page_types = ["articles.ArticleIndexPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "article"
        # The index lists newest first, ten at a time: with this the database reads the
        # newest articles and stops, instead of sorting every article for each page.
        indexes = [models.Index(fields=["-date"], name="articles_newest_first")]

    def save(self, *args, **kwargs):
        self.reading_minutes = reading_time.reading_minutes(
            self.body.stream_block.get_searchable_content(self.body)
        )
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        # Wagtail cleans a page before it saves a revision and before it saves a live
        # page, so every revision and every published page carries its formatted list.
        self.format_references()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        # What Wagtail does instead of full_clean when it saves a page that is not live.
        self.format_references()
        super().minimal_clean()

    def format_references(self) -> None:
        """Formats the references (in the editor, the unsaved ones) for formatted_references."""
        self.formatted_references = formatted_references.format_references(
            (reference.as_apa() for reference in self.references.all()), self.body
        )

    def reference_list(self) -> dict:
        """The formatted references: as stored, or formatted now if they were stored by
        another version of the formatter (before `manage.py reformat_references` has run)."""
        if formatted_references.is_current(self.formatted_references):
            return self.formatted_references
        return formatted_references.format_references(
            reference.as_apa() for reference in self.references.all()
        )

    def serve_preview(self, request, mode_name):
        # The editor's form was cleaned before its references were put on the page.
        self.format_references()
        return super().serve_preview(request, mode_name)

    @path("references/<slug:export_format>/", name="references_export")
    def references_export(self, request, export_format):
        """The reference list as a file for reference managers (see reference_export)."""
        from articles import reference_export

        if export_format not in reference_export.FORMATS:
            raise Http404("No such format.")
        references = [reference.as_apa() for reference in self.references.all()]
        if not references:
            raise Http404("This article has no references.")
        return reference_export.download(references, slug=self.slug, export_format=export_format)

    def missing_citation_keys(self) -> list[str]:
        known = {str(reference.key) for reference in self.references.all()}
        return [key for key in cited_keys(self.body) if key not in known]

    def author_name(self, practice=None) -> str:
        if self.author:
            return self.author
        return practice.therapist_name if practice else ""

    def get_context(self, request, *args, **kwargs):
        from practice.models import PracticeSettings

        context = super().get_context(request, *args, **kwargs)
        practice = PracticeSettings.for_request(request)
        formatted = self.reference_list()
        tags = list(self.tags.all())
        author_name = self.author_name(practice)
        social_image = self.hero_image.get_rendition("fill-1200x630") if self.hero_image else None
        url = self.get_full_url(request)
        context.update(
            citations=CitationRenderer.for_page(formatted, self.body),
            practice=practice,
            author_name=author_name,
            tags=tags,
            canonical_url=url,
            social_image=social_image,
            structured_data=article_json_ld(
                self,
                url=url,
                author_name=author_name,
                publisher_name=practice.practice_name,
                citations=formatted_references.json_ld_citations(formatted),
                tags=tags,
                image_url=social_image.full_url if social_image else "",
            ),
            related_pages=[
                link.target
                for link in self.related_links.all().select_related("target")
                if link.target and link.target.live
            ],
            index_page=self.get_parent(),
        )
        return context


class ArticleRelatedPage(Orderable):
    page = ParentalKey(ArticlePage, related_name="related_links", on_delete=models.CASCADE)
    target = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="page",
        help_text="For an update, the page it updates.",
    )

    panels = [FieldPanel("target")]


class ArticleReference(Orderable):
    """One entry of an article's reference list, kept with the page's revisions."""

    page = ParentalKey(ArticlePage, related_name="references", on_delete=models.CASCADE)
    # Citations in the text point here; made in the browser as soon as a reference is added.
    key = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(
        "Type", max_length=10, choices=list(apa.KINDS.items()), default=apa.JOURNAL_ARTICLE
    )
    authors = AuthorListField(
        help_text=(
            "One a line: family name, comma, given names (Norcross, John C.). "
            "An organisation as it is written, without a comma. Leave empty if none."
        )
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty when the work has no date (n.d.)."
    )
    title = models.CharField(
        max_length=500, help_text="In sentence case, as it should appear (no final period)."
    )
    container = models.CharField(
        "Journal, book or website",
        max_length=300,
        blank=True,
        help_text="The journal's name for an article, the book's title for a chapter, "
        "the site's name for a web page.",
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text="For example 303-315.")
    edition = models.CharField(max_length=20, blank=True, help_text="For example 2 or Rev.")
    editors = AuthorListField(help_text="Editors of the book a chapter is in, one a line.")
    publisher = models.CharField(max_length=200, blank=True)
    number = models.CharField("Report number", max_length=60, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=300,
        blank=True,
        help_text="Any form: 10.1037/pst0000193, doi:10…, or a doi.org link.",
    )
    url = models.URLField("URL", max_length=500, blank=True, help_text="When there is no DOI.")
    accessed = models.DateField(
        "Date accessed", null=True, blank=True, help_text="Only for web pages that change."
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("authors"),
        FieldPanel("title"),
        FieldPanel("container"),
        FieldRowPanel([FieldPanel("volume"), FieldPanel("issue"), FieldPanel("pages")]),
        FieldRowPanel([FieldPanel("edition"), FieldPanel("number")]),
        FieldPanel("editors"),
        FieldPanel("publisher"),
        FieldRowPanel([FieldPanel("doi"), FieldPanel("url"), FieldPanel("accessed")]),
    ]

    REQUIRED_BY_KIND = {
        apa.JOURNAL_ARTICLE: {"container": "Enter the journal's name."},
        apa.CHAPTER: {"container": "Enter the title of the book the chapter is in."},
        apa.WEB_PAGE: {"url": "Enter the web page's address."},
    }

    def __str__(self):
        return apa.to_text(apa.reference_runs(self.as_apa()))

    @admin.display(description="APA 7 reference")
    def apa_entry(self) -> str:
        return str(self)

    @admin.display(description="Cited as")
    def short_citation(self) -> str:
        return apa.citation_text(self.as_apa())

    @staticmethod
    def names_display(data) -> str:
        """Stored authors or editors on one line: "Norcross, John C.; Lambert, Michael J."."""
        return "; ".join(apa.author_lines(apa.authors_from_data(data)).splitlines())

    # The admin's inspect view shows a field through get_<field>_display when there is one.
    def get_authors_display(self) -> str:
        return self.names_display(self.authors)

    def get_editors_display(self) -> str:
        return self.names_display(self.editors)

    def clean(self):
        errors = {}
        try:
            self.doi = apa.normalize_doi(self.doi)
        except apa.DOIError as error:
            errors["doi"] = str(error)
        else:
            # The length was checked as typed; "https://doi.org/" may have made it too long.
            max_length = self._meta.get_field("doi").max_length
            if len(self.doi) > max_length:
                errors["doi"] = (
                    f"This DOI is too long: as a link it has {len(self.doi)} characters, "
                    f"and at most {max_length} fit."
                )
        for field_name, message in self.REQUIRED_BY_KIND.get(self.kind, {}).items():
            if not getattr(self, field_name).strip():
                errors[field_name] = message
        if errors:
            raise ValidationError(errors)

    def as_apa(self) -> apa.Reference:
        return apa.Reference(
            kind=self.kind,
            title=self.title,
            authors=apa.authors_from_data(self.authors),
            year=self.year,
            container=self.container,
            volume=self.volume,
            issue=self.issue,
            pages=self.pages,
            edition=self.edition,
            editors=apa.authors_from_data(self.editors),
            publisher=self.publisher,
            number=self.number,
            doi=self.doi,
            url=self.url,
            accessed=self.accessed,
            key=str(self.key),
        )
