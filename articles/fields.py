"""An ordered author list stored as JSON and edited as one name a line."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from articles import apa


class AuthorListFormField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return apa.author_lines(apa.authors_from_data(value))
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value)
        try:
            return [author.as_dict() for author in apa.parse_author_lines(text)]
        except apa.AuthorListError as error:
            raise ValidationError(str(error), code="invalid") from None

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or [])
        except ValidationError:
            return True


class AuthorListField(models.JSONField):
    """[{"family": "Norcross", "given": "John C."}, {"group": "World Health Organization"}]."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Skip JSONField.formfield, which would insist on JSON text.
        return models.Field.formfield(
            self, **{"form_class": AuthorListFormField, "show_hidden_initial": False, **kwargs}
        )
