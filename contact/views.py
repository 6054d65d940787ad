"""The contact form: stored first, notified later by the worker. Browsers and proxies
never keep its pages; the server keeps one copy of the empty form and of the thank-you
page, and fills in each visitor's CSRF token and render time (practice/per_visitor.py)."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from contact import spam
from contact.consultation_questions import Questions
from contact.forms import InquiryForm
from contact.inquiries import Inquiry
from contact.ratelimit import RateLimit
from contact.tasks import queue_notification
from practice import per_visitor
from practice.clients import client_address, client_network
from practice.models import PracticeSettings


def submissions_limit() -> RateLimit:
    return RateLimit("contact", settings.INQUIRY_RATE_LIMIT, window_seconds=3600)


def store_inquiry(form: InquiryForm, *, client_hash: str, spam_reason: str) -> Inquiry:
    """Write the inquiry and its notification job in one transaction: both or neither."""
    with transaction.atomic():
        inquiry = form.save(commit=False)
        inquiry.client_hash = client_hash
        if spam_reason:
            inquiry.status = Inquiry.Status.SPAM
            inquiry.spam_reason = spam_reason
            inquiry.notification_state = Inquiry.Notification.SKIPPED
        inquiry.save()
        if not spam_reason:
            queue_notification(inquiry.pk)
    return inquiry


def intake_mode(request) -> str:
    """The practice's intake mode, from the cached practice details (no query)."""
    return PracticeSettings.for_request(request).accepting_new_clients


def private(response):
    """Per-visitor pages (CSRF token, form values) must never be stored by any cache."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def contact_form(request, page):
    if request.method == "POST":
        return private(_submit(request, page))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    form = InquiryForm(mode=intake_mode(request), questions=Questions.for_page(request, page))
    csrf_token = get_token(request)
    per_visitor.declare(request, csrf_token=csrf_token, rendered_at=form.initial["rendered_at"])
    return private(_render_form(request, page, form, csrf_token=csrf_token))


def _render_form(request, page, form, status=200, csrf_token=None):
    # Post to the page's own address: with no action the browser posts to the current
    # one, including a "#id_email" from the error summary's links, and carries that
    # fragment through the redirect to the thank-you page.
    form.helper.form_action = page.get_url(request)
    context = page.get_context(request)
    context["form"] = form
    context["intake"] = form.intake
    if csrf_token is not None:  # the one declared to the page cache, not another mask
        context["csrf_token"] = csrf_token
    return TemplateResponse(request, page.get_template(request), context, status=status)


def _submit(request, page):
    client_hash = spam.client_hash(client_network(client_address(request)))
    limit = submissions_limit()
    # Already over the limit: answer without the work of validating. Not the real check,
    # which counts and compares in one step once the form is valid.
    if limit.is_exceeded(client_hash):
        return _rate_limited(request, page, limit)
    form = InquiryForm(
        request.POST, mode=intake_mode(request), questions=Questions.for_page(request, page)
    )
    if not form.is_valid():
        return _render_form(request, page, form, status=400)
    # Every valid submission counts, spam included; invalid ones never do.
    if not limit.allow(client_hash):
        return _rate_limited(request, page, limit)
    store_inquiry(
        form,
        client_hash=client_hash,
        spam_reason=form.spam_reason(settings.INQUIRY_MIN_SUBMIT_SECONDS),
    )
    # Spam gets the same thank-you page: a bot learns nothing from the answer.
    thank_you_url = page.get_url(request) + page.reverse_subpage("thank_you")
    return HttpResponseRedirect(thank_you_url, status=303)


def _rate_limited(request, page, limit: RateLimit):
    response = TemplateResponse(
        request, "contact/rate_limited.html", page.get_context(request), status=429
    )
    response["Retry-After"] = str(limit.retry_after())
    return response


def thank_you(request, page):
    response = TemplateResponse(request, "contact/thank_you.html", page.get_context(request))
    per_visitor.declare(request)  # nothing of the visitor's: the same for all
    return private(response)
