"""An article's reference list as files for reference managers: BibTeX, RIS, CSL-JSON.

Public and the same for every visitor, built from the live page's references in the order
the editor gave them (so that importing a download gives the same list back).
"""

from __future__ import annotations

import json

from django.http import HttpResponse

from articles import bibtex, csl, ris

FORMATS = {
    # the page's sub-path: (label, content type, file name suffix)
    "bibtex": ("BibTeX", "application/x-bibtex", "bib"),
    "ris": ("RIS", "application/x-research-info-systems", "ris"),
    "csl-json": ("CSL-JSON", "application/vnd.citationstyles.csl+json", "json"),
}


def csl_json(references) -> str:
    items = [
        csl.csl_from_reference(reference, f"ref{number}")
        for number, reference in enumerate(references, start=1)
    ]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bibtex": bibtex.dump, "ris": ris.dump, "csl-json": csl_json}


def download(references, *, slug: str, export_format: str) -> HttpResponse:
    _, content_type, suffix = FORMATS[export_format]
    response = HttpResponse(
        WRITERS[export_format](references), content_type=f"{content_type}; charset=utf-8"
    )
    # Slugs are ASCII letters, digits and hyphens here (WAGTAIL_ALLOW_UNICODE_SLUGS = False).
    response["Content-Disposition"] = f'attachment; filename="{slug}-references.{suffix}"'
    return response
