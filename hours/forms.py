"""Admin validation that needs several inline rows at once: no overlapping intervals
on one day (weekly or special hours), no two exceptions covering the same date.
A single row's own rule (closing after opening) lives in the model's clean()."""

from datetime import timedelta

from wagtail.admin.forms import WagtailAdminModelForm

from hours.schedule import WEEKDAYS, Interval, format_date, format_intervals


def kept_forms(formset):
    """Child forms that are valid on their own and will be saved."""
    if formset is None:
        return []
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def flag_overlaps(spans, field: str, message) -> None:
    """`spans` are (start, end, form, description) with the end exclusive. Each span
    that starts before the furthest-reaching earlier one ends gets an error on
    `field`, naming that one: comparing with the previous span alone would miss
    10–4 overlapping 2–3 after 12–1."""
    reaching = None
    for start, end, form, description in sorted(spans, key=lambda span: span[:2]):
        if reaching is not None and start < reaching[0]:
            form.add_error(field, message(reaching[1]))
        if reaching is None or end > reaching[0]:
            reaching = (end, description)


def interval_spans(forms):
    for form in forms:
        opens, closes = form.cleaned_data["opens"], form.cleaned_data["closes"]
        yield opens, closes, form, format_intervals([Interval(opens, closes)])


def interval_message(where: str):
    return lambda other: (
        f"This interval overlaps {other} {where}. Intervals on one day must not overlap."
    )


class OpeningHoursForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        weekly = kept_forms(self.formsets.get("weekly_hours"))
        for weekday, name in enumerate(WEEKDAYS):
            same_day = [form for form in weekly if form.cleaned_data["weekday"] == weekday]
            flag_overlaps(interval_spans(same_day), "opens", interval_message(f"on {name}"))

        exceptions = kept_forms(self.formsets.get("exceptions"))
        for form in exceptions:
            intervals = kept_forms(form.formsets.get("intervals"))
            where = f"in “{form.cleaned_data['label']}”"
            flag_overlaps(interval_spans(intervals), "opens", interval_message(where))
        flag_overlaps(
            self._date_spans(exceptions),
            "start_date",
            lambda other: (
                f"These dates overlap the exception {other}. Exceptions must not overlap."
            ),
        )
        return cleaned_data

    @staticmethod
    def _date_spans(forms):
        for form in forms:
            start = form.cleaned_data["start_date"]
            end = form.cleaned_data.get("end_date") or start
            description = (
                f"“{form.cleaned_data['label']}” ({format_date(start)} to {format_date(end)})"
            )
            yield start, end + timedelta(days=1), form, description
