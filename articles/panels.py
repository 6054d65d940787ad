from django import forms
from wagtail.admin.panels import InlinePanel


class ReferencesPanel(InlinePanel):
    """The inline references, each carrying its citation key as a hidden field.

    The key is in the form (not only in the database) so that the editor's citation
    chooser can point at a reference that has not been saved yet.
    """

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset["fields"] = [*formset["fields"], "key"]
        formset["widgets"] = {**formset["widgets"], "key": forms.HiddenInput}
        return options
