"""Admin validation that needs several inline rows at once: no overlapping intervals
on one day (weekly or special hours), no two exceptions covering the same date.
A single row's own rule (closing after opening) lives in the model's clean()."""

from wagtail.admin.forms import WagtailAdminModelForm

from hours.schedule import WEEKDAYS, format_date, format_intervals


def kept_forms(formset):
    """Child forms that are valid on their own and will be saved."""
    if formset is None:
        return []
    return [
        form
        for form in formset.forms
        if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def flag_overlaps(forms, where: str) -> None:
    """Mark each interval that starts before the previous one on the same day ends."""
    ordered = sorted(forms, key=lambda form: form.cleaned_data["opens"])
    # Compare with the interval reaching furthest so far, not just the previous one.
    reaching = None
    for form in ordered:
        if reaching is not None and form.cleaned_data["opens"] < reaching.cleaned_data["closes"]:
            shown = format_intervals([reaching.instance])
            form.add_error(
                "opens",
                f"This interval overlaps {shown} {where}. Intervals on one day must not overlap.",
            )
        if reaching is None or form.cleaned_data["closes"] > reaching.cleaned_data["closes"]:
            reaching = form


class OpeningHoursForm(WagtailAdminModelForm):
    def clean(self):
        cleaned_data = super().clean()
        weekly = kept_forms(self.formsets.get("weekly_hours"))
        for weekday, name in enumerate(WEEKDAYS):
            flag_overlaps([f for f in weekly if f.cleaned_data["weekday"] == weekday], f"on {name}")

        exceptions = kept_forms(self.formsets.get("exceptions"))
        for form in exceptions:
            flag_overlaps(kept_forms(form.formsets.get("intervals")), f"in “{form.instance.label}”")
        self._flag_overlapping_exceptions(exceptions)
        return cleaned_data

    @staticmethod
    def _flag_overlapping_exceptions(forms) -> None:
        def span(form):
            start = form.cleaned_data["start_date"]
            return start, form.cleaned_data.get("end_date") or start

        reaching = None
        for form in sorted(forms, key=span):
            if reaching is not None and span(form)[0] <= span(reaching)[1]:
                start, end = span(reaching)
                form.add_error(
                    "start_date",
                    f"These dates overlap the exception “{reaching.cleaned_data['label']}” "
                    f"({format_date(start)} to {format_date(end)}). Exceptions must not overlap.",
                )
            if reaching is None or span(form)[1] > span(reaching)[1]:
                reaching = form
