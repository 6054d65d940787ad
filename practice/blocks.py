"""StreamField blocks shared by every page type with a body."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading 2"), ("h3", "Heading 3"), ("h4", "Heading 4")],
        default="h2",
        help_text="Use Heading 2 for sections; the page title is the only Heading 1.",
    )

    class Meta:
        icon = "title"
        template = "practice/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(help_text="Alt text is set with the image; mark purely decorative ones.")
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "practice/blocks/captioned_image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    source = blocks.CharBlock(required=False, max_length=250, help_text="Who said or wrote it.")

    class Meta:
        icon = "openquote"
        template = "practice/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=250, help_text="One or two sentences.")
    page = blocks.PageChooserBlock()
    label = blocks.CharBlock(max_length=60, default="Get in touch")

    class Meta:
        icon = "pick"
        template = "practice/blocks/call_to_action.html"


class FeeBlock(blocks.StructBlock):
    """One fee of the practice details (not a page block)."""

    service = blocks.CharBlock(max_length=120, help_text="For example: Individual session.")
    amount = blocks.DecimalBlock(
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="In US dollars. Leave empty for a fee that varies.",
    )
    notes = blocks.CharBlock(
        required=False, max_length=200, help_text="Length or conditions, e.g. “50 minutes”."
    )

    class Meta:
        icon = "doc-full"


class PracticeFeesBlock(blocks.StaticBlock):
    """Fees, sliding scale, insurers and licensed states, as set in the practice details:
    edited once there, shown on any page with this block and in the JSON-LD."""

    class Meta:
        icon = "list-ul"
        label = "Fees and insurance from practice details"
        admin_text = (
            "Shows the fees, sliding scale, insurers and licensed states set in "
            "Settings › Practice details."
        )
        template = "practice/blocks/practice_fees.html"


RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "hr", "document-link"]


class ContentBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    heading = HeadingBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    practice_fees = PracticeFeesBlock()
