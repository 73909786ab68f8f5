from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.choices import DocumentKind, HeadActionKind, HeadCategory, ListGroup
from reports.models import FollowUp

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RuleForm(forms.Form):
    group = forms.ChoiceField(label=_("Группировка"), choices=ListGroup.choices, required=False)
    top = forms.IntegerField(label=_("Число организаций"), min_value=1, max_value=100, required=False)
    share = forms.DecimalField(
        label=_("или доля, %"), min_value=Decimal("0.1"), max_value=Decimal(50), decimal_places=1, required=False
    )


class FollowUpForm(forms.ModelForm):
    published_site_url = forms.URLField(
        label=_("Страница с результатами на сайте органа"), required=False, assume_scheme="https", max_length=500
    )

    class Meta:
        model = FollowUp
        fields = [
            "informed_heads_on",
            "informed_heads_how",
            "published_site_url",
            "published_site_on",
            "published_busgov_on",
            "media_note",
            "free_text",
            "addressee",
            "addressee_greeting",
            "letter_number",
            "letter_date",
            "signatory_position",
            "signatory_name",
            "executor",
            "list_group",
            "list_top",
            "list_share",
        ]
        widgets = {
            "informed_heads_on": DATE,
            "published_site_on": DATE,
            "published_busgov_on": DATE,
            "letter_date": DATE,
            "media_note": forms.Textarea(attrs={"rows": 3}),
            "free_text": forms.Textarea(attrs={"rows": 4}),
        }


class HeadActionForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Основание"), choices=HeadCategory.choices)
    kind = forms.ChoiceField(label=_("Решение"), choices=HeadActionKind.choices)
    decided_on = forms.DateField(label=_("Дата"), widget=DATE)
    document = forms.CharField(label=_("Документ (приказ № …, дата)"), max_length=300, required=False)
    text = forms.CharField(label=_("Содержание"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Вид документа"),
        choices=[
            (DocumentKind.OPERATOR_REPORT, DocumentKind.OPERATOR_REPORT.label),
            (DocumentKind.MINISTRY_LETTER, DocumentKind.MINISTRY_LETTER.label),
            (DocumentKind.ATTESTATION, DocumentKind.ATTESTATION.label),
        ],
    )
    file = forms.FileField(label=_("Шаблон DOCX"))
    note = forms.CharField(label=_("Примечание"), max_length=300, required=False)
