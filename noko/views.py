from django.db.models import Count
from django.shortcuts import redirect, render

from accounts.context_processors import dashboard_cards
from registry.choices import OrgType
from registry.models import Organization


def home(request):
    if not request.user.is_authenticated:
        return redirect("portal:home")  # anonymous visitors get the public НОКО portal
    organizations = Organization.objects.visible_to(request.user)
    by_type = {row["org_type"]: row["n"] for row in organizations.order_by().values("org_type").annotate(n=Count("pk"))}
    context = {
        "organization_count": sum(by_type.values()),
        "by_type": [(OrgType.short_label(t.value), by_type.get(t.value, 0)) for t in OrgType],
        "memberships": request.user.memberships.select_related("territory", "organization"),
        "dashboard_cards": dashboard_cards(),
    }
    return render(request, "home.html", context)
