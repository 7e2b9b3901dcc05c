"""Browser forms for master plans: fields and their validation only; the rules live in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.surveys.models import Capital, Level
from ppaos.core.date_inputs import EraDateField
from ppaos.thai.thai_dates import fiscal_year_be

from .models import Carrier


def current_fiscal_year() -> int:
    return fiscal_year_be(timezone.localdate())


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area):
        return f"{area.name_th} ({area.code})"


class PlanCreateForm(forms.Form):
    village = VillageChoiceField(queryset=None, label=_("Village"), empty_label=_("Choose…"))
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year (BE)"), coerce=int)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        year = current_fiscal_year()
        self.fields["fiscal_year"].choices = [
            (
                y,
                _("%(year)s (October %(start)s – September %(year)s)")
                % {"year": y, "start": y - 1},
            )
            for y in (year - 1, year, year + 1)
        ]
        self.fields["fiscal_year"].initial = year


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=300)
    capital = forms.ChoiceField(label=_("Capital"), choices=Capital.choices)
    evidence = forms.MultipleChoiceField(
        label=_("Figures that show it"), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, evidence_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = evidence_choices


class ProblemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, problem):
        return f"{problem.rank}. {problem.title}"


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=300)
    problem = ProblemChoiceField(
        queryset=None, required=False, label=_("Problem it answers"), empty_label="—"
    )
    objective = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs={"rows": 2}))
    activities = forms.CharField(
        label=_("Activities"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    indicators = forms.CharField(
        label=_("Indicators"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget_requested = forms.DecimalField(
        label=_("Budget requested (baht)"), min_value=0, max_digits=14, decimal_places=2
    )
    carrier = forms.ChoiceField(label=_("Carried by"), choices=Carrier.choices)
    lao = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Local administrative organisation"),
        empty_label="—",
    )
    starts_on = EraDateField(label=_("Starts"), required=False)
    ends_on = EraDateField(label=_("Ends"), required=False)
    target_levels = forms.MultipleChoiceField(
        label=_("Target households by level (in the plan's survey round)"),
        choices=Level.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_households = forms.TypedMultipleChoiceField(
        label=_("Or choose households by hand"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, problems, laos, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems
        self.fields["lao"].queryset = laos
        self.fields["target_households"].choices = [
            (
                row["id"],
                _("House %(number)s · %(level)s")
                % {"number": row["house_number"] or "—", "level": row["level_label"] or "—"},
            )
            for row in households
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        if data.get("carrier") == Carrier.LAO and not data.get("lao"):
            self.add_error("lao", _("Choose the local administrative organisation."))
        return data


class LocalPlanForm(forms.Form):
    edition = forms.CharField(
        label=_("Plan edition"),
        max_length=100,
        help_text=_('As the LAO names it, e.g. "เพิ่มเติม ฉบับที่ 4"'),
    )
    first_year = forms.IntegerField(label=_("First fiscal year (BE)"), min_value=2500)
    last_year = forms.IntegerField(label=_("Last fiscal year (BE)"), min_value=2500)


class OrdinanceForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Ordinance fiscal year (BE)"), min_value=2500)
    amount = forms.DecimalField(
        label=_("Amount adopted (baht)"), min_value=0, max_digits=14, decimal_places=2
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


STEP_FORMS = {"record_local_plan": LocalPlanForm, "record_ordinance": OrdinanceForm}
REASON_STEPS = {"not_adopted"}
