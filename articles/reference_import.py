"""Paste BibTeX, RIS or CSL-JSON into an article: preview, then add all entries or none.

The references are added to a new revision built on the page's latest one (so unpublished
changes are kept); the editor reviews that draft and publishes as usual.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import mark_safe

from articles import apa, bibtex, csl, ris
from articles.csl import ParsedEntry
from articles.models import ArticlePage, ArticleReference

MAX_ENTRIES = 200
FORMATS = {"bibtex": "BibTeX", "ris": "RIS", "csl": "CSL-JSON"}


def detect_format(text: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return "csl"
    if ris.looks_like_ris(text):
        return "ris"
    return "bibtex"


def parse(text: str) -> tuple[str, list[ParsedEntry]]:
    """The format found and every entry, each checked as the reference form would check it."""
    source = detect_format(text)
    reader = {"bibtex": bibtex.parse, "ris": ris.parse, "csl": csl.items_from_json}[source]
    entries = reader(text)
    for entry in entries:
        if not entry.problems:
            entry.problems += model_problems(entry.fields)
    return source, entries


def build_reference(fields: dict) -> ArticleReference:
    return ArticleReference(**{name: fields[name] for name in csl.FIELD_NAMES})


def model_problems(fields: dict) -> list[str]:
    reference = build_reference(fields)
    try:
        reference.full_clean(exclude=["page", "sort_order", "key"])
    except ValidationError as error:
        labels = {field.name: field.verbose_name for field in ArticleReference._meta.fields}
        return [
            f"{str(labels.get(name, 'Entry')).capitalize()}: {message}"
            for name, field_messages in error.message_dict.items()
            for message in field_messages
        ]
    fields["doi"] = reference.doi  # normalised by the model's clean()
    return []


def add_references(page: ArticlePage, entries: list[ParsedEntry], user):
    """A new draft revision: the latest revision's references, then these, in order."""
    draft = page.get_latest_revision_as_object()
    references = list(draft.references.all())
    for entry in entries:
        reference = build_reference(entry.fields)
        reference.sort_order = len(references)
        references.append(reference)
    draft.references = references
    return draft.save_revision(user=user, log_action=True)


def preview(fields: dict) -> str:
    """The entry as the article will show it (apa.to_html escapes the text)."""
    return mark_safe(apa.to_html(apa.reference_runs(build_reference(fields).as_apa())))  # noqa: S308


def text_digest(text: str) -> str:
    """Signs the previewed text, so confirming adds exactly what the editor saw."""
    return salted_hmac("articles.reference_import", text, algorithm="sha256").hexdigest()


class ImportForm(forms.Form):
    text = forms.CharField(
        label="BibTeX, RIS or CSL-JSON",
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        max_length=500_000,
        help_text="Paste one or many entries, as exported by a reference manager or a "
        "publisher's “Cite” link. Nothing is added before you confirm.",
    )
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)


def import_view(request, page_id):
    page = get_object_or_404(ArticlePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    lock = page.get_lock()
    if lock and lock.for_user(request.user):
        messages.error(request, "This article is locked: references cannot be added now.")
        return redirect("wagtailadmin_pages:edit", page.pk)

    form = ImportForm(request.POST or None)
    entries: list[ParsedEntry] = []
    source = ""
    if request.method == "POST" and form.is_valid():
        source, entries = parse(form.cleaned_data["text"])
        ok = entries and len(entries) <= MAX_ENTRIES and not any(e.problems for e in entries)
        # Text changed since its preview: show the preview of the new text instead.
        previewed = constant_time_compare(
            form.cleaned_data["previewed"], text_digest(form.cleaned_data["text"])
        )
        if "confirm" in request.POST and ok and previewed:
            with transaction.atomic():
                add_references(page, entries, request.user)
            messages.success(
                request,
                f"{len(entries)} reference(s) added to a new draft of “{page.title}”. Check "
                "them, then publish the page as usual.",
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
        if not entries:
            form.add_error("text", "No references were found in this text.")
        elif len(entries) > MAX_ENTRIES:
            form.add_error("text", f"Import at most {MAX_ENTRIES} references at a time.")
    return TemplateResponse(
        request,
        "articles/admin/import_references.html",
        {
            "page": page,
            "form": form,
            "entries": [
                (entry, "" if entry.problems else preview(entry.fields)) for entry in entries
            ],
            "source": FORMATS.get(source, ""),
            "can_confirm": bool(entries)
            and not form.errors
            and not any(entry.problems for entry in entries),
            "edit_url": reverse("wagtailadmin_pages:edit", args=(page.pk,)),
            "previewed": text_digest(form.cleaned_data["text"]) if entries else "",
        },
    )
