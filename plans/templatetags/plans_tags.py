from django import template

from accounts.models import Role
from accounts.scopes import scope_for
from plans import services
from plans.choices import EDITABLE_STATUSES, PlanStatus
from plans.models import Plan

register = template.Library()


@register.simple_tag(takes_context=True)
def plans_summary(context):
    """Counts for the home dashboard card (None when the user sees no plans)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    plans = Plan.objects.visible_to(user)
    total = plans.count()
    if not total:
        return None
    scope = scope_for(user)
    reviews = scope.has_role(Role.REGIONAL, Role.MUNICIPAL)
    return {
        "total": total,
        "approved": plans.filter(status=PlanStatus.APPROVED).count(),
        "to_fill": plans.filter(status__in=EDITABLE_STATUSES, exception_reason="").count() if not reviews else 0,
        "to_review": plans.filter(status=PlanStatus.SUBMITTED).count() if reviews else 0,
        "overdue": services.overdue_items(user).count(),
        "control": bool(scope.territory_ids),
    }
