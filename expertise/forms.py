from django import forms
from django.utils.translation import gettext_lazy as _

from expertise.choices import BranchRule, Mark, VisitMode
from expertise.evidence import ACCEPT


class StartResultForm(forms.Form):
    mode = forms.ChoiceField(label=_("Способ"), choices=VisitMode.choices, initial=VisitMode.VISIT)
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReplyWindowForm(forms.Form):
    working_days = forms.IntegerField(label=_("Рабочих дней на возражения"), min_value=1, max_value=60, initial=5)


class BranchRuleForm(forms.Form):
    branch_rule = forms.ChoiceField(
        label=_("Учёт нескольких зданий"),
        choices=[("", _("по умолчанию")), *list(BranchRule.choices)],
        required=False,
    )


class DisputeForm(forms.Form):
    requested_value = forms.ChoiceField(
        label=_("Верная отметка, по мнению организации"),
        choices=[(Mark.YES, Mark.YES.label), (Mark.NO, Mark.NO.label), (Mark.NA, Mark.NA.label)],
        widget=forms.RadioSelect,
        initial=Mark.YES,
    )
    text = forms.CharField(
        label=_("Текст возражения"),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=5000,
    )
    files = forms.FileField(
        label=_("Фотографии или документы (JPEG, PNG, WebP, PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    link = forms.URLField(label=_("Ссылка на материал (необязательно)"), required=False, assume_scheme="https")

    def __init__(self, *args, allows_na: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["multiple"] = True
        if not allows_na:
            self.fields["requested_value"].choices = self.fields["requested_value"].choices[:2]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=[("accept", _("принять")), ("reject", _("отклонить")), ("council", _("передать в общественный совет"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Обоснование"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX или CSV"))
    submit = forms.BooleanField(label=_("Отправить заполненные полностью чек-листы"), required=False, initial=True)


class ChecklistUploadForm(forms.Form):
    code = forms.SlugField(
        label=_("Код новой версии"), max_length=40, help_text=_("например, 114-v2 или 25-region-2026")
    )
    title = forms.CharField(label=_("Наименование"), max_length=500)
    note = forms.CharField(
        label=_("Примечание об источниках"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    file = forms.FileField(label=_("Пункты (XLSX или CSV в формате выгрузки версии)"))
