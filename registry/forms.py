from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from registry.choices import OrgStatus, OrgType
from registry.models import Organization, Territory


class OrganizationForm(forms.ModelForm):
    website = forms.URLField(label=_("официальный сайт"), required=False, assume_scheme="https", max_length=500)

    class Meta:
        model = Organization
        fields = [
            "full_name",
            "short_name",
            "org_type",
            "status",
            "inn",
            "ogrn",
            "territory",
            "founder",
            "address",
            "website",
            "busgov_id",
            "parent",
            "head_name",
            "head_position",
            "head_email",
            "head_phone",
            "contingent",
            "parents_count",
            "timezone",
        ]
        widgets = {
            "full_name": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=scope.territory_ids, parent__isnull=False
        ).order_by("name")
        parents = Organization.objects.visible_to(user).filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("short_name")
        self.fields["timezone"].help_text = _("Пусто — как у муниципального образования. Пример: Asia/Vladivostok")


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Поиск"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Название, ИНН или ОГРН"}),
    )
    territory = forms.ModelChoiceField(
        label=_("Муниципальное образование"), queryset=Territory.objects.none(), required=False, empty_label=_("все")
    )
    org_type = forms.ChoiceField(label=_("Тип"), choices=[("", _("все")), *list(OrgType.choices)], required=False)
    status = forms.ChoiceField(label=_("Статус"), choices=[("", _("все")), *list(OrgStatus.choices)], required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=scope.territory_ids, parent__isnull=False
        ).order_by("name")

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        queryset = queryset.search(data.get("q", ""))
        if data.get("territory"):
            queryset = queryset.filter(territory=data["territory"])
        if data.get("org_type"):
            queryset = queryset.filter(org_type=data["org_type"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Файл XLSX или CSV"))
