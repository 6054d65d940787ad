"""The admin's visit report (Reports › Visits): views per day and per page over the last
7, 30 or 365 days, the most read articles, the weekly series other apps add, a chart of
each drawn on the server as SVG (practice/svg_chart.py), and the daily counts as CSV.

Only for users with the "Can view visit count" permission (superusers have it; give it
to a group in Settings › Groups). Other apps add a weekly series with the hook
`register_visit_report_series` (contact adds inquiries per week): a function
`(request, first_day, last_day)` that returns a WeeklySeries, or None to show nothing
to this user. Page types say `counts_as_article = True` to be listed as articles, so
this module needs to import none of the apps.
"""

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.models import Page, get_page_models
from wagtail.permissions import ModelPermissionPolicy

from practice import svg_chart, visit_rules
from practice.visits import VisitCount

SERIES_HOOK = "register_visit_report_series"
TOP_ARTICLES = 10

visit_permission_policy = ModelPermissionPolicy(VisitCount)


@dataclass(frozen=True)
class WeeklySeries:
    """A count per week (weeks start on Monday, in the practice's time zone)."""

    title: str
    description: str
    weeks: list[tuple[datetime.date, int]]


@dataclass(frozen=True)
class PageViews:
    page_id: int
    title: str
    url: str | None
    views: int


def period(days: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the last `days` days, today included (local dates)."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=days - 1), today


def daily_views(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, int]]:
    """Views of all pages per day, days without views included."""
    totals = dict(
        VisitCount.objects.filter(date__range=(first, last))
        .values_list("date")
        .annotate(total=Sum("count"))
        .order_by()
    )
    days = (last - first).days + 1
    return [(day, totals.get(day, 0)) for day in dates(first, days)]


def dates(first: datetime.date, days: int) -> Iterable[datetime.date]:
    return (first + datetime.timedelta(days=offset) for offset in range(days))


def views_per_page(request, first: datetime.date, last: datetime.date) -> list[PageViews]:
    """Every page seen in the period, most viewed first."""
    totals = (
        VisitCount.objects.filter(date__range=(first, last))
        .values_list("page_id")
        .annotate(total=Sum("count"))
        .order_by("-total", "page_id")
    )
    totals = list(totals)
    pages = Page.objects.in_bulk([page_id for page_id, _ in totals])
    return [
        PageViews(page_id, pages[page_id].title, pages[page_id].get_url(request), views)
        for page_id, views in totals
        if page_id in pages
    ]


def article_page_ids(rows: list[PageViews]) -> set[int]:
    """Which of the rows are articles: pages of a type that says `counts_as_article`."""
    article_types = [
        model for model in get_page_models() if getattr(model, "counts_as_article", False)
    ]
    content_types = ContentType.objects.get_for_models(*article_types).values()
    return set(
        Page.objects.filter(
            pk__in=[row.page_id for row in rows], content_type__in=content_types
        ).values_list("pk", flat=True)
    )


def weekly_series(request, first: datetime.date, last: datetime.date) -> list[WeeklySeries]:
    found = (hook(request, first, last) for hook in hooks.get_hooks(SERIES_HOOK))
    return [series for series in found if series is not None]


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def fill_weeks(
    counts: dict[datetime.date, int], first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, int]]:
    """A count for every week from the one holding `first` to the one holding `last`,
    weeks without any included; `counts` is keyed by each week's Monday."""
    week, weeks = week_start(first), []
    while week <= last:
        weeks.append((week, counts.get(week, 0)))
        week += datetime.timedelta(days=7)
    return weeks


def chart(points: list[tuple[datetime.date, int]]) -> svg_chart.BarChart:
    return svg_chart.bar_chart([(day.isoformat(), value) for day, value in points])


class VisitReportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = visit_permission_policy
    permission_required = "view"
    template_name = "practice/admin/visit_report.html"
    page_title = "Visits"
    header_icon = "view"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": "Reports"},
            {"url": "", "label": "Visits"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = visit_rules.period_days(self.request.GET.get("days"))
        first, last = period(days)
        daily = daily_views(first, last)
        pages = views_per_page(self.request, first, last)
        articles = article_page_ids(pages)
        series = weekly_series(self.request, first, last)
        context.update(
            days=days,
            periods=visit_rules.PERIODS,
            first=first,
            last=last,
            daily=daily,
            daily_chart=chart(daily),
            total=sum(views for _, views in daily),
            pages=pages,
            top_articles=[row for row in pages if row.page_id in articles][:TOP_ARTICLES],
            series=[
                (item, chart(item.weeks), f"series-{index}") for index, item in enumerate(series)
            ],
        )
        return context


class VisitReportCsvView(PermissionCheckedMixin, TemplateView):
    """The period's counts, one row per page and day, as a download."""

    permission_policy = visit_permission_policy
    permission_required = "view"

    def get(self, request, *args, **kwargs):
        days = visit_rules.period_days(request.GET.get("days"))
        first, last = period(days)
        rows = list(
            VisitCount.objects.filter(date__range=(first, last))
            .order_by("date", "page_id")
            .values_list("date", "page_id", "count")
        )
        pages = Page.objects.in_bulk({page_id for _, page_id, _ in rows})
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"visits-{first.isoformat()}-to-{last.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(["date", "page id", "page title", "page URL", "views"])
        for date, page_id, count in rows:
            page = pages.get(page_id)
            if page is None:
                continue  # deleted meanwhile
            title, url = spreadsheet_safe(page.title), page.get_url(request)
            writer.writerow([date.isoformat(), page_id, title, url, count])
        return response


def spreadsheet_safe(text: str) -> str:
    """A page title a spreadsheet would read as a formula is quoted as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
