"""The demo's portrait: drawn here, so the demo borrows no one's photograph and no one's
face. An abstract head-and-shoulders shape on a soft field, in the site's palette."""

import io

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 800, 1000
DESCRIPTION = (
    "Placeholder portrait: the outline of a head and shoulders in soft teal, "
    "on a background of sage and sand"
)
SAND = (236, 228, 212)
SAGE = (196, 214, 204)
TEAL = (47, 93, 90)
TERRACOTTA = (214, 160, 122)


def gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    """A vertical gradient, built from a one-pixel-wide strip and stretched."""
    strip = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        t = y / (HEIGHT - 1)
        strip.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return strip.resize((WIDTH, HEIGHT))


def soft_shape(image: Image.Image, color, box, *, blur: int, opacity: int, shape="ellipse"):
    """Lay `color` over `image` through a blurred mask: a shape with soft edges."""
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    if shape == "ellipse":
        draw.ellipse(box, fill=opacity)
    else:
        draw.rounded_rectangle(box, radius=(box[2] - box[0]) // 2, fill=opacity)
    image.paste(
        Image.new("RGB", image.size, color), (0, 0), mask.filter(ImageFilter.GaussianBlur(blur))
    )


def placeholder_portrait() -> bytes:
    """The portrait as JPEG bytes; the same bytes every time."""
    image = gradient(SAND, SAGE)
    soft_shape(image, TERRACOTTA, (420, 40, 900, 520), blur=90, opacity=150)
    soft_shape(image, SAGE, (-200, 520, 340, 1060), blur=80, opacity=220)
    soft_shape(image, TEAL, (290, 250, 510, 500), blur=3, opacity=235)  # head
    soft_shape(image, TEAL, (150, 560, 650, 1300), blur=3, opacity=235, shape="shoulders")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=88, optimize=True)
    return output.getvalue()
