from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.scopes import scope_for
from audit.actions import known_actions
from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Действие"), required=False)
    actor = forms.CharField(label=_("Пользователь"), required=False)
    target = forms.CharField(label=_("Объект"), required=False)
    date_from = forms.DateField(label=_("С"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("По"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("все")), *known_actions()]

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        if data["actor"]:
            queryset = queryset.filter(actor_name__icontains=data["actor"])
        if data["target"]:
            queryset = queryset.filter(target_repr__icontains=data["target"])
        if data["date_from"]:
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset


@login_required
def entry_list(request):
    if not scope_for(request.user).can_read_audit:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    queryset = form.apply(AuditEntry.objects.visible_to(request.user))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": params.urlencode()})
