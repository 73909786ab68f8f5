from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cycles.models import Cycle


@login_required
def index(request):
    cycles = Cycle.objects.visible_to(request.user).select_related("territory")
    return render(request, "scoring/index.html", {"cycles": cycles})
