"""The article body: the shared content blocks plus citations, quotes with locators, callouts."""

from wagtail import blocks

from practice.blocks import RICH_TEXT_FEATURES, CaptionedImageBlock, HeadingBlock, QuoteBlock

ARTICLE_RICH_TEXT_FEATURES = [*RICH_TEXT_FEATURES, "citation"]


class CitingRichTextBlock(blocks.RichTextBlock):
    """Rich text whose citations become APA links when the page gives a CitationRenderer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", ARTICLE_RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    def render_basic(self, value, context=None):
        citations = (context or {}).get("citations")
        if citations is None:
            return super().render_basic(value, context)
        return citations.render(value.source)


class SourcedQuoteBlock(QuoteBlock):
    locator = blocks.CharBlock(
        required=False, max_length=40, help_text="Page or section quoted, e.g. p. 307 or 303-304."
    )

    class Meta:
        icon = "openquote"
        template = "articles/blocks/quote.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", "Note"), ("key-point", "Key point"), ("caution", "Caution")],
        default="key-point",
    )
    heading = blocks.CharBlock(required=False, max_length=120)
    text = CitingRichTextBlock(features=["bold", "italic", "link", "ul", "citation"])

    class Meta:
        icon = "help"
        template = "articles/blocks/callout.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = CitingRichTextBlock()
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    quote = SourcedQuoteBlock()
    callout = CalloutBlock()
