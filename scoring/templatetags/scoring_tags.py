"""The dashboard card of scoring (home page): the latest year with results for the user's organizations."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def scoring_card(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from scoring.models import TOTAL_CODE, Result
    from scoring.services import overall

    totals = Result.objects.visible_to(user).filter(code=TOTAL_CODE, value__isnull=False)
    latest = totals.order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    if latest is None:
        return None
    year = totals.filter(cycle__year=latest)
    summary = overall(year, codes=[TOTAL_CODE]).get(TOTAL_CODE, {})
    return {
        "year": latest,
        "mean": summary.get("mean"),
        "n": summary.get("n", 0),
        "preliminary": year.filter(status="preliminary").values("cycle_id").distinct().count(),
    }
