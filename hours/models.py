"""The office hours of a site: weekly rows, exceptions with their own hours, a note.

Edited as one Wagtail site setting ("Office hours" in Settings). Rendering reads a
cached, resolved copy (hours/cached.py), never these tables directly.
"""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from hours import schedule
from hours.forms import OpeningHoursForm

SAME_DAY_HELP = (
    "Hours past midnight are not supported: an interval closes after it opens, on the "
    "same day. To stay open until midnight, close at 11:59 pm."
)


# date.weekday() numbering (Monday = 0), so rows map straight onto the calendar; the
# names are the schedule's own.
WEEKDAY_CHOICES = list(enumerate(schedule.WEEKDAYS))


class TimeInterval(models.Model):
    opens = models.TimeField()
    closes = models.TimeField(help_text=SAME_DAY_HELP)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError(
                {"closes": "The closing time must be after the opening time, on the same day."}
            )

    def as_interval(self) -> schedule.Interval:
        return schedule.Interval(self.opens, self.closes)


@register_setting(icon="time")
class OpeningHours(ClusterableModel, BaseSiteSetting):
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown with the hours, e.g. “Sessions by appointment; telehealth available.”",
    )

    base_form_class = OpeningHoursForm
    panels = [
        FieldPanel("note"),
        InlinePanel(
            "weekly_hours",
            heading="Weekly hours",
            label="Interval",
            help_text=(
                "One row per opening interval. A day may have several (10:00–12:00 and "
                "13:00–17:00); a day without rows is closed. Times are in the practice's "
                "time zone."
            ),
        ),
        InlinePanel(
            "exceptions",
            heading="Exceptions",
            label="Exception",
            help_text=(
                "Holidays, vacations and special days. They replace the weekly hours on "
                "their dates: closed unless you add special hours."
            ),
        ),
    ]

    class Meta:
        verbose_name = "Office hours"
        verbose_name_plural = "Office hours"

    def __str__(self):
        return f"Office hours of {self.site}"

    def to_schedule(self) -> schedule.Schedule:
        return schedule.build_schedule(
            [(row.weekday, row.opens, row.closes) for row in self.weekly_hours.all()],
            [exception.to_exception() for exception in self.exceptions.all()],
            self.note,
        )


class WeeklyHours(Orderable, TimeInterval):
    setting = ParentalKey(OpeningHours, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAY_CHOICES)

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = "weekly interval"

    def __str__(self):
        return f"{self.get_weekday_display()} {schedule.format_intervals([self.as_interval()])}"


class HoursException(Orderable, ClusterableModel):
    setting = ParentalKey(OpeningHours, on_delete=models.CASCADE, related_name="exceptions")
    label = models.CharField(max_length=80, help_text="For example “Thanksgiving” or “Vacation”.")
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text="Leave empty for a single day. Inclusive."
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        InlinePanel(
            "intervals",
            heading="Special hours",
            label="Interval",
            help_text="Leave empty to be closed on these dates.",
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "exception"

    def __str__(self):
        return self.label

    @property
    def last_date(self):
        return self.end_date or self.start_date

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must not be before the start date."})

    def to_exception(self) -> schedule.DateException:
        return schedule.DateException(
            start=self.start_date,
            end=self.last_date,
            label=self.label,
            intervals=tuple(row.as_interval() for row in self.intervals.all()),
        )


class ExceptionHours(Orderable, TimeInterval):
    exception = ParentalKey(HoursException, on_delete=models.CASCADE, related_name="intervals")

    panels = [FieldRowPanel([FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = "special hours interval"

    def __str__(self):
        return schedule.format_intervals([self.as_interval()])
