from django import forms
from django.utils.translation import gettext_lazy as _

from households.registry_import.rules import FIELDS

from . import services


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Validate only: show what would change, write nothing"), required=False
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            services.check_upload(name=uploaded.name, size=uploaded.size)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return uploaded


def field_choices():
    return [("", _("— ignore this column —"))] + [
        (f.name, f"{f.label_th} ({f.label_en})") for f in FIELDS
    ]


class ColumnMappingForm(forms.Form):
    """One choice per header of the file; the current mapping preselected."""

    def __init__(self, *args, headers: list[str], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = [h for h in headers if h]
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=field_choices(),
                required=False,
                initial=current.get(header, ""),
            )

    def clean(self):
        cleaned = super().clean()
        chosen = [v for v in cleaned.values() if v]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Each field can be chosen for one column only."))
        missing = {"national_id", "first_name", "last_name"} - set(chosen)
        if missing:
            raise forms.ValidationError(
                _("Choose a column for the national ID, first name and last name.")
            )
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}", "")
            for index, header in enumerate(self.headers)
        }
