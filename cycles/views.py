from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from cycles.models import Cycle, CycleOrganization


@login_required
def cycle_list(request):
    cycles = Cycle.objects.visible_to(request.user).select_related("territory")
    return render(request, "cycles/list.html", {"cycles": cycles})


@login_required
def cycle_detail(request, pk: int):
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user).select_related("territory"), pk=pk)
    entries = (
        CycleOrganization.objects.visible_to(request.user)
        .filter(cycle=cycle)
        .select_related("organization", "organization__territory")
        .order_by("organization__territory__name", "organization__short_name")
    )
    return render(request, "cycles/detail.html", {"cycle": cycle, "entries": entries})
