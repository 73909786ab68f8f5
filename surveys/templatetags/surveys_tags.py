from django import template

from cycles.models import Cycle, CycleOrganization, Phase
from surveys import progress
from surveys.models import Campaign

register = template.Library()


@register.inclusion_tag("surveys/_card.html", takes_context=True)
def surveys_card(context):
    """Home dashboard: collected vs target for the open campaigns the user sees (up to five)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = []
    if user is not None and user.is_authenticated:
        cycles = Cycle.objects.visible_to(user).filter(phase=Phase.COLLECTION)
        for campaign in Campaign.objects.filter(cycle__in=cycles).select_related("cycle")[:5]:
            entries = CycleOrganization.objects.visible_to(user).filter(cycle=campaign.cycle).included()
            totals = progress.totals(progress.cycle_progress(campaign, entries))
            rows.append(
                {
                    "cycle": campaign.cycle,
                    "accepted": totals.accepted,
                    "target": totals.target,
                    "percent": totals.percent,
                    "review": totals.review,
                }
            )
    return {"rows": rows}
