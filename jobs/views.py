from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from jobs.models import Job


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})
