from django import template

from cycles.models import CycleOrganization, Phase
from expertise.choices import Mark, ResultStatus
from expertise.models import ChecklistResult, Dispute, organization_only

register = template.Library()


@register.simple_tag(takes_context=True)
def expertise_summary(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    results = ChecklistResult.objects.visible_to(user).exclude(cycle_organization__cycle__phase=Phase.CLOSED)
    disputes = Dispute.objects.visible_to(user).unresolved()
    if organization_only(user):
        return {"org_only": True, "submitted": results.count(), "open_disputes": disputes.count()}
    entries = CycleOrganization.objects.visible_to(user).included().exclude(cycle__phase=Phase.CLOSED)
    return {
        "org_only": False,
        "total": entries.count(),
        "submitted": results.filter(status=ResultStatus.SUBMITTED, building__isnull=True).count(),
        "open_disputes": disputes.count(),
    }


MARK_CLASS = {Mark.YES: "yes", Mark.NO: "no", Mark.NA: "na", Mark.BLANK: "blank"}


@register.filter
def mark_class(value: str) -> str:
    return MARK_CLASS.get(value, "blank")


@register.filter
def mark_label(value: str) -> str:
    return str(Mark(value).label) if value in Mark.values else str(value)


@register.filter
def plural_ru(n, forms: str) -> str:
    """``{{ n|plural_ru:"здание,здания,зданий" }}`` → "5 зданий"."""
    from lib.text import ru_plural

    one, few, many = forms.split(",")
    return f"{n} {ru_plural(int(n), one, few, many)}"
