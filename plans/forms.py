"""Forms of the plan pages (phone-friendly: few fields, native date inputs)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.choices import CRITERION_CHOICES, ExceptionReason, ItemStatus
from plans.evidence import ACCEPT
from plans.models import PlanSchedule


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ItemForm(forms.Form):
    shortcoming_text = forms.CharField(
        label=_("Недостаток"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    criterion_code = forms.ChoiceField(label=_("Раздел"), choices=CRITERION_CHOICES, required=False)
    measure = forms.CharField(
        label=_("Мероприятие по устранению недостатка"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    deadline = forms.DateField(label=_("Плановый срок реализации"), widget=DateInput(), required=False)
    responsible_name = forms.CharField(label=_("Ответственный: ФИО"), required=False, max_length=300)
    responsible_position = forms.CharField(label=_("Ответственный: должность"), required=False, max_length=300)
    planned_result = forms.CharField(
        label=_("Ожидаемый результат"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, manual: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not manual:
            del self.fields["shortcoming_text"]
            del self.fields["criterion_code"]
        else:
            self.fields["shortcoming_text"].required = True


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Ход реализации"), choices=ItemStatus.choices)
    actual_measures = forms.CharField(
        label=_("Реализованные меры"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    actual_date = forms.DateField(label=_("Фактический срок реализации"), widget=DateInput(), required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Файл (PDF, фото, DOCX, XLSX)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    url = forms.URLField(label=_("или ссылка"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Описание"), required=False, max_length=500)


class ApproveForm(forms.Form):
    approver_name = forms.CharField(label=_("Утверждает: фамилия, инициалы"), max_length=300, required=False)
    approver_position = forms.CharField(label=_("Должность"), max_length=500, required=False)
    approved_on = forms.DateField(label=_("Дата утверждения"), widget=DateInput(), required=False)
    comment = forms.CharField(label=_("Комментарий"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Замечания"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ExceptionForm(forms.Form):
    reason = forms.ChoiceField(label=_("Почему план не составляется"), choices=ExceptionReason.choices[1:])
    note = forms.CharField(
        label=_("Пояснение для раздела «Иная информация» (пусто — сформировать)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class PublishForm(forms.Form):
    url = forms.URLField(label=_("Ссылка на размещённый план"), required=False, max_length=500, assume_scheme="https")


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = PlanSchedule
        fields = ["submit_by", "approve_by", "publish_days", "report_every_months", "default_deadline"]
        widgets = {"submit_by": DateInput(), "approve_by": DateInput(), "default_deadline": DateInput()}
