from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import services
from accounts.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Назначение токена"), max_length=200)


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": request.user.memberships.select_related("territory", "organization"),
            "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
            "form": TokenForm(),
        },
    )


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите назначение токена."))
        return redirect("accounts:profile")
    _token, key = services.issue_token(request.user, form.cleaned_data["name"])
    return render(request, "accounts/token_created.html", {"key": key})


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user, revoked_at__isnull=True), pk=pk)
    services.revoke_token(request.user, token)
    messages.success(request, _("Токен отозван."))
    return redirect("accounts:profile")
