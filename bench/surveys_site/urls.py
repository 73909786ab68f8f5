"""The project's URLs plus ``/bench/bare/``: a bare Django view that inserts one row, the yardstick."""

import uuid

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from noko.urls import urlpatterns as project_urls
from surveys.models import Response


@csrf_exempt
def bare(request):
    Response.objects.create(
        client_id=uuid.UUID(request.POST["client_id"]),
        cycle_organization_id=int(request.POST["entry"]),
        questionnaire_id=int(request.POST["questionnaire"]),
        answers={"recommend": request.POST.get("recommend", "yes")},
    )
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urls]
