from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import Mode


class CampaignForm(forms.Form):
    opens_on = forms.DateField(label=_("Анкета открыта с"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("по (включительно)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Даты действуют по местному времени каждой организации."),
    )
    target_share = forms.DecimalField(
        label=_("Доля получателей услуг для выборки"),
        required=False,
        min_value=0.001,
        max_value=1,
        decimal_places=3,
        help_text=_("Пусто — по настройке системы."),
    )
    target_cap = forms.IntegerField(
        label=_("Не более анкет на организацию"),
        required=False,
        min_value=1,
        help_text=_("Пусто — по настройке системы."),
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("Дата окончания раньше даты начала"))
        return data


class TargetForm(forms.Form):
    target = forms.IntegerField(
        label=_("Целевое число анкет"), required=False, min_value=0, help_text=_("Пусто — по правилу опроса цикла.")
    )


class EntryMetaForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Способ опроса"),
        choices=[(m.value, m.label) for m in Mode if m != Mode.ONLINE],
        widget=forms.RadioSelect,
        initial=Mode.PAPER,
    )
    paper_number = forms.CharField(
        label=_("Номер бланка или записи"),
        required=False,
        max_length=40,
        help_text=_("Повторный ввод анкеты с тем же номером не создаст дубль."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX или CSV"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[
            ("accept", _("принять (учитывать в оценке)")),
            ("exclude", _("исключить из оценки")),
            ("restore", _("восстановить исключённую")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Основание"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Обязательно при исключении и восстановлении."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("exclude", "restore") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Укажите основание решения"))
        return data
