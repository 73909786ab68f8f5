"""Forms of the bus.gov.ru bridge pages (they only parse input; writes go through busgov.services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from busgov.choices import CampaignKind, Duty, InfoKind, NoticeKind, PlacementStatus
from busgov.models import ResponsibleOfficial, TerritorySettings
from registry.models import Organization, Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficialForm(forms.ModelForm):
    duties = forms.MultipleChoiceField(
        label=_("Обязанности"), choices=Duty.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ResponsibleOfficial
        fields = [
            "organization",
            "territory",
            "full_name",
            "position",
            "phone",
            "email",
            "duties",
            "order_number",
            "order_date",
            "order_file",
            "period_start",
            "period_end",
        ]
        widgets = {"order_date": DATE, "period_start": DATE, "period_end": DATE}

    def __init__(self, *args, organizations=None, territories=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
        self.fields["territory"].queryset = territories if territories is not None else Territory.objects.none()
        self.fields["organization"].required = False
        self.fields["territory"].required = False
        self.fields["organization"].help_text = _("Для должностного лица организации")
        self.fields["territory"].help_text = _("Для должностного лица органа управления — вместо организации")

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields if name != "order_file"}
        data["order_file"] = self.cleaned_data.get("order_file") or None
        if data["order_file"] is False:  # cleared
            data["order_file"] = None
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Файл (XLSX или CSV)"))


class PlacementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Что размещено"), choices=InfoKind.choices)
    status = forms.ChoiceField(label=_("Состояние"), choices=PlacementStatus.choices, initial=PlacementStatus.PLACED)
    placed_on = forms.DateField(label=_("Дата размещения"), required=False, widget=DATE)
    url = forms.URLField(label=_("Ссылка на bus.gov.ru"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Примечание"), required=False, max_length=500)


class ScheduleForm(forms.Form):
    results_received_on = forms.DateField(
        label=_("Результаты совета поступили в орган управления"), required=False, widget=DATE
    )
    results_working_days = forms.IntegerField(
        label=_("Срок размещения, рабочих дней"), required=False, min_value=1, max_value=60
    )
    note = forms.CharField(label=_("Примечание"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Ответ организации"), widget=forms.Textarea(attrs={"rows": 4}))
    responded_on = forms.DateField(label=_("Дата ответа"), required=False, widget=DATE)
    url = forms.URLField(label=_("Ссылка на размещённый ответ"), required=False, assume_scheme="https")


class ReviewForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Организация"), queryset=Organization.objects.none())
    posted_on = forms.DateField(label=_("Дата отзыва"), widget=DATE)
    author = forms.CharField(label=_("Автор"), required=False, max_length=300)
    rating = forms.TypedChoiceField(
        label=_("Оценка"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "—"),
            (5, "5 — отлично"),
            (4, "4 — хорошо"),
            (3, "3 — удовлетворительно"),
            (2, "2 — ниже среднего"),
            (1, "1 — неудовлетворительно"),
        ],
    )
    text = forms.CharField(label=_("Текст отзыва"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    external_id = forms.CharField(label=_("Номер отзыва на bus.gov.ru"), required=False, max_length=64)

    def __init__(self, *args, organizations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Вид письма"), choices=NoticeKind.choices, initial=NoticeKind.NO_REVIEWS)
    year = forms.IntegerField(label=_("Год"), min_value=2015, max_value=2100)
    as_of = forms.DateField(label=_("По состоянию на"), widget=DATE)
    recheck_on = forms.DateField(label=_("Повторная проверка"), required=False, widget=DATE)


class NoticeSentForm(forms.Form):
    number = forms.CharField(label=_("Исходящий номер"), max_length=50)
    sent_on = forms.DateField(label=_("Дата отправки"), required=False, widget=DATE)


class CampaignForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Организация"), queryset=Organization.objects.none(), required=False)
    territory = forms.ModelChoiceField(label=_("или территория"), queryset=Territory.objects.none(), required=False)
    held_on = forms.DateField(label=_("Дата"), widget=DATE)
    kind = forms.ChoiceField(label=_("Вид"), choices=CampaignKind.choices)
    description = forms.CharField(label=_("Описание"), widget=forms.Textarea(attrs={"rows": 2}))
    reach = forms.IntegerField(label=_("Охват, человек"), required=False, min_value=0)
    url = forms.URLField(label=_("Ссылка"), required=False, assume_scheme="https")

    def __init__(self, *args, organizations=None, territories=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if territories is not None:
            self.fields["territory"].queryset = territories


class SettingsForm(forms.ModelForm):
    class Meta:
        model = TerritorySettings
        fields = [
            "officials_due_month",
            "officials_due_day",
            "results_working_days",
            "plans_working_days",
            "negative_max_rating",
            "results_layout",
            "plans_layout",
            "reviews_layout",
            "status_layout",
        ]
