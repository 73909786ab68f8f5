from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scopes import scope_for
from cycles.models import ActivityPlanItem, CyclePhase, OperatorEngagement
from registry.models import Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def managed_territories(user):
    scope = scope_for(user)
    if scope.sees_everything:
        return Territory.objects.all().order_by("parent_id", "name")
    return Territory.objects.filter(pk__in=scope.territories_for(Role.REGIONAL, Role.MUNICIPAL)).order_by(
        "parent_id", "name"
    )


def visible_territories(user):
    scope = scope_for(user)
    if scope.sees_everything:
        return Territory.objects.all().order_by("parent_id", "name")
    return Territory.objects.filter(pk__in=scope.territory_ids).order_by("parent_id", "name")


class CycleForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Территория"), queryset=Territory.objects.none())
    year = forms.IntegerField(label=_("Год"), min_value=2014, max_value=2100)
    title = forms.CharField(label=_("Наименование"), required=False, max_length=255)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = managed_territories(user)


class PhaseForm(forms.ModelForm):
    class Meta:
        model = CyclePhase
        fields = ["planned_start", "planned_end", "responsible", "note"]
        widgets = {"planned_start": DATE, "planned_end": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class OperatorForm(forms.ModelForm):
    class Meta:
        model = OperatorEngagement
        fields = [
            "name",
            "inn",
            "basis",
            "contract_number",
            "contract_date",
            "procurement_number",
            "amount",
            "terms_of_reference",
            "tor_approved_on",
            "report_due",
            "report_received_on",
        ]
        widgets = {
            "contract_date": DATE,
            "tor_approved_on": DATE,
            "report_due": DATE,
            "report_received_on": DATE,
            "terms_of_reference": forms.Textarea(attrs={"rows": 5}),
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Этап работ"), max_length=500)
    due_date = forms.DateField(label=_("Срок"), required=False, widget=DATE)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("Дата приёмки"), widget=DATE)
    note = forms.CharField(label=_("Замечания"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ListChangeForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("add", _("включить")), ("exclude", _("исключить"))])
    reason = forms.CharField(label=_("Основание изменения"), max_length=1000)


class HistoryImportForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX или CSV (столбцы «ИНН», «Год», «Источник»)"))


class ActivityPlanForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Территория"), queryset=Territory.objects.none())
    year_from = forms.IntegerField(label=_("С года"), min_value=2014, max_value=2100)
    year_to = forms.IntegerField(label=_("По год"), min_value=2014, max_value=2100)
    title = forms.CharField(label=_("Наименование"), required=False, max_length=500)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = managed_territories(user)


class ActivityItemForm(forms.ModelForm):
    evidence_url = forms.URLField(
        label=_("ссылка на подтверждение"), required=False, assume_scheme="https", max_length=500
    )

    class Meta:
        model = ActivityPlanItem
        fields = [
            "number",
            "title",
            "deadline_kind",
            "deadline_date",
            "deadline_quarter",
            "deadline_year",
            "deadline_text",
            "form",
            "executors",
            "status",
            "evidence",
            "evidence_url",
            "done_on",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "deadline_date": DATE,
            "done_on": DATE,
        }


class IndicatorFilterForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Территория"), queryset=Territory.objects.none(), empty_label=None)
    year_from = forms.IntegerField(label=_("С года"), min_value=2014, max_value=2100)
    year_to = forms.IntegerField(label=_("По год"), min_value=2014, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = visible_territories(user)
