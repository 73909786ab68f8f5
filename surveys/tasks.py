"""Background work of the survey: big exports and re-checking suspicion flags."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from cycles.models import CycleOrganization
from jobs.services import advance, job_function, set_total
from surveys import exports, services
from surveys.models import Campaign


@job_function("surveys.export")
def export_answers(job, campaign_id: int, user_id: int) -> dict:
    campaign = Campaign.objects.select_related("cycle").get(pk=campaign_id)
    user = get_user_model().objects.get(pk=user_id)
    responses = exports.responses_for(campaign, user)
    set_total(job, responses.count())
    data = exports.raw_xlsx(campaign, responses, progress=lambda step: advance(job, step))
    job.file.save(f"anketa-{campaign.cycle_id}.xlsx", ContentFile(data), save=True)
    return {"bytes": len(data)}


@job_function("surveys.rescore")
def rescore_cycle(job, cycle_id: int) -> dict:
    set_total(job, CycleOrganization.objects.filter(cycle_id=cycle_id).count())
    return services.rescore_cycle(cycle_id, progress=lambda step: advance(job, step))
