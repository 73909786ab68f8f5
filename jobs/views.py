from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from jobs.models import Job


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
def job_file(request, pk: int):
    """The job's result file, for those who may see the job (media is not served publicly)."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])
