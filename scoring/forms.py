from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class InputImportForm(forms.Form):
    inputs = forms.FileField(label=_("Таблица исходных значений (XLSX/CSV)"), required=False)
    checklist = forms.FileField(label=_("Чек-лист: стенды, сайт, условия (XLSX/CSV)"), required=False)
    answers = forms.FileField(label=_("Ответы анкет, одна строка — одна анкета (XLSX/CSV)"), required=False)
    reason = forms.CharField(
        label=_("Основание изменения (обязательно после утверждения итоговых результатов)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    dry_run = forms.BooleanField(label=_("Только проверить, ничего не записывать"), required=False)

    def clean(self):
        data = super().clean()
        files = [data.get(name) for name in ("inputs", "checklist", "answers") if data.get(name)]
        if not files:
            raise forms.ValidationError(_("Выберите хотя бы один файл"))
        for upload in files:
            if upload.size > settings.MAX_IMPORT_FILE_SIZE:
                raise forms.ValidationError(_("Файл «%(name)s» больше допустимого размера") % {"name": upload.name})
        return data

    def uploads(self) -> list[tuple[str, object]]:
        """(name, uploaded file) of the chosen files."""
        return [
            (upload.name, upload)
            for upload in (self.cleaned_data.get(n) for n in ("inputs", "checklist", "answers"))
            if upload
        ]

    def files_data(self) -> list[tuple[str, bytes]]:
        return [(name, upload.read()) for name, upload in self.uploads()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Основание"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    gather = forms.BooleanField(label=_("Сначала собрать данные модулей сбора"), required=False, initial=True)


class InputForm(forms.Form):
    key = forms.CharField(label=_("Ключ"))
    value = forms.CharField(label=_("Значение"))
    reason = forms.CharField(label=_("Основание"), required=False)
