"""The dashboard card of the bus.gov.ru bridge (home page)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def busgov_card(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    from busgov import monitoring, services
    from busgov.models import CitizenReview

    today = services.today_for()
    summary = monitoring.review_summary(user, today.year, as_of=today)
    if not summary.totals.organizations:
        return None
    card = {
        "reviews": summary.totals.reviews,
        "without": summary.totals.without_reviews,
        "unanswered_negative": CitizenReview.objects.visible_to(user)
        .in_year(today.year)
        .negative()
        .unanswered()
        .count(),
        "missing_officials": None,
    }
    if services.is_authority(user):
        card["missing_officials"] = len(monitoring.officials_register(user, today)["missing_organizations"])
    return card
