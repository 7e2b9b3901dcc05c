from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .importers import importers_for_user


class UploadForm(forms.Form):
    """The file, the kind of import (the importers the user may run; the first by default) and
    whether to validate only."""

    kind = forms.ChoiceField(label=_("Kind of import"), choices=(), required=False)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Validate only: show what would change, write nothing"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.importers = importers_for_user(user) if user is not None else []
        self.fields["kind"].choices = [(i.kind, i.label) for i in self.importers]
        self.suffixes = (
            tuple(sorted({suffix for i in self.importers for suffix in i.accepted_suffixes}))
            or services.ACCEPTED_SUFFIXES
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(self.suffixes)
        if ".zip" in self.suffixes:
            self.fields["file"].label = _("File (.xlsx, .csv or a .zip of csv files)")

    def clean_kind(self):
        # Without a choice (the field is shown only for several kinds): the first kind this
        # user may run.
        chosen = self.cleaned_data["kind"]
        if not chosen and self.importers:
            return self.importers[0].kind
        return chosen or None

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            services.check_upload(name=uploaded.name, size=uploaded.size, suffixes=self.suffixes)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return uploaded


def field_choices(importer):
    return [("", _("— ignore this column —"))] + [
        (f.name, f"{f.label_th} ({f.label_en})") for f in importer.fields
    ]


class ColumnMappingForm(forms.Form):
    """One choice per header of the file (the importer's fields); the current mapping
    preselected."""

    def __init__(self, *args, importer, headers: list[str], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.headers = [h for h in headers if h]
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=field_choices(importer),
                required=False,
                initial=current.get(header, ""),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [v for v in cleaned.values() if v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each field can be chosen for one column only."))
        if any(f not in chosen for f in self.importer.required_fields):
            raise forms.ValidationError(self.importer.required_columns_message)
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}", "")
            for index, header in enumerate(self.headers)
        }
