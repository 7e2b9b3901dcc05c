"""Forms for user and role management. Validation only: the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import ROLE_AREA_LEVELS, Role
from .selectors import agencies_for_assignment, areas_matching


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    area = forms.CharField(
        label=_("Area (code or name)"),
        required=False,
        max_length=150,
        help_text=_("Province, district or subdistrict (village for facilitators): e.g. 490101."),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency (for agency staff)"), queryset=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for_assignment()

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role:
            return data
        data["area_obj"] = None
        if role == Role.AGENCY_STAFF:
            if not data.get("agency"):
                self.add_error("agency", _("Choose the agency."))
        elif role == Role.ADMIN:
            data["agency"] = None
        else:
            data["agency"] = None
            levels = ROLE_AREA_LEVELS[role]
            matches = areas_matching(data.get("area", ""), levels)
            if not matches:
                self.add_error(
                    "area", _("No area of the right level matches. Type a code or a name.")
                )
            elif len(matches) > 1:
                names = ", ".join(f"{a.name_th} ({a.code})" for a in matches[:8])
                self.add_error(
                    "area", _("Several areas match; type the code: %(names)s") % {"names": names}
                )
            else:
                data["area_obj"] = matches[0]
        return data


class RoleWithdrawForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
