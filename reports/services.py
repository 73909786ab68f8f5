"""Reports: the writes (decisions about heads, follow-up records, a territory's templates) and the generation
of documents, inline for small scopes or as a background job with the file attached to the ``Job``.

Every write takes ``user`` first and records an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from audit.services import log_action, snapshot
from cycles.models import CycleOrganization
from jobs.models import Job
from reports import cards, documents, xlsx
from reports.choices import DocumentKind, HeadActionKind, HeadCategory, ListGroup
from reports.data import collect
from reports.models import FollowUp, HeadAction, ReportTemplate
from reports.scope import ReportScope, can_act, can_manage_templates, can_view
from scoring.models import Result

JOB_KIND = "reports.generate"
FOLLOW_UP_FIELDS = [
    "informed_heads_on",
    "informed_heads_how",
    "published_site_url",
    "published_site_on",
    "published_busgov_on",
    "media_note",
    "free_text",
    "addressee",
    "addressee_greeting",
    "letter_number",
    "letter_date",
    "signatory_position",
    "signatory_name",
    "executor",
    "list_group",
    "list_top",
    "list_share",
]


def inline_limit() -> int:
    """Up to this many organizations a document is generated while the user waits; beyond, as a job."""
    return int(getattr(settings, "REPORTS_INLINE_LIMIT", 300))


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Недостаточно прав для этого действия")


# --- decisions about heads ----------------------------------------------------------------------------


def record_head_action(
    user,
    entry: CycleOrganization,
    *,
    category: str,
    kind: str,
    decided_on: datetime.date,
    text: str = "",
    document: str = "",
) -> HeadAction:
    _require(can_act(user, entry.organization.territory))
    if category not in HeadCategory.values:
        raise ValidationError({"category": "Неизвестное основание решения"})
    if kind not in HeadActionKind.values:
        raise ValidationError({"kind": "Неизвестный вид решения"})
    if decided_on is None:
        raise ValidationError({"decided_on": "Укажите дату решения"})
    with transaction.atomic():
        action = HeadAction.objects.create(
            cycle_organization=entry,
            category=category,
            kind=kind,
            head_name=entry.organization.head_name,
            text=text.strip(),
            document=document.strip(),
            decided_on=decided_on,
            created_by=user if getattr(user, "pk", None) else None,
        )
        log_action(
            user,
            "reports.head_action.recorded",
            action,
            organization=entry.organization,
            after=snapshot(action),
        )
    return action


def delete_head_action(user, action: HeadAction) -> None:
    entry = action.cycle_organization
    _require(can_act(user, entry.organization.territory))
    with transaction.atomic():
        before = snapshot(action)
        log_action(user, "reports.head_action.deleted", action, organization=entry.organization, before=before)
        action.delete()


# --- follow-up records --------------------------------------------------------------------------------


def save_follow_up(user, territory, year: int, data: dict) -> FollowUp:
    _require(can_act(user, territory))
    if data.get("list_group") and data["list_group"] not in ListGroup.values:
        raise ValidationError({"list_group": "Неизвестная группировка"})
    with transaction.atomic():
        follow_up, created = FollowUp.objects.select_for_update().get_or_create(territory=territory, year=year)
        before = None if created else snapshot(follow_up, FOLLOW_UP_FIELDS)
        for name in FOLLOW_UP_FIELDS:
            if name in data:
                setattr(follow_up, name, data[name])
        follow_up.updated_by = user if getattr(user, "pk", None) else None
        follow_up.full_clean()
        follow_up.save()
        log_action(
            user,
            "reports.follow_up.saved",
            follow_up,
            territory=territory,
            before=before,
            after=snapshot(follow_up, FOLLOW_UP_FIELDS),
        )
    return follow_up


# --- templates ----------------------------------------------------------------------------------------


def check_template(kind: str, data: bytes) -> list[str]:
    """Problems with an uploaded DOCX template (empty list = fine), in Russian."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    try:
        template = DocxTemplate(io.BytesIO(data))
        template.get_undeclared_template_variables()
    except TemplateSyntaxError as exc:
        return [f"Ошибка в тегах шаблона (строка {exc.lineno}): {exc.message}"]
    except Exception as exc:
        return [f"Файл не открывается как документ DOCX: {exc.__class__.__name__}"]
    return []


def upload_template(user, territory, kind: str, filename: str, data: bytes, note: str = "") -> ReportTemplate:
    _require(can_manage_templates(user, territory))
    if kind not in (DocumentKind.OPERATOR_REPORT, DocumentKind.MINISTRY_LETTER, DocumentKind.ATTESTATION):
        raise ValidationError({"kind": "Для этого вида документа шаблон DOCX не используется"})
    if not filename.lower().endswith(".docx"):
        raise ValidationError({"file": f"«{filename}»: нужен файл в формате DOCX"})
    problems = check_template(kind, data)
    if problems:
        raise ValidationError({"file": [f"«{filename}»: {p}" for p in problems]})
    with transaction.atomic():
        template, _created = ReportTemplate.objects.get_or_create(territory=territory, kind=kind)
        if template.file:
            template.file.delete(save=False)
        template.file.save(f"{territory.pk}-{kind}.docx", ContentFile(data), save=False)
        template.note = note
        template.uploaded_by = user if getattr(user, "pk", None) else None
        template.save()
        log_action(user, "reports.template.uploaded", template, territory=territory, data={"filename": filename})
    return template


def delete_template(user, template: ReportTemplate) -> None:
    _require(can_manage_templates(user, template.territory))
    with transaction.atomic():
        log_action(user, "reports.template.deleted", template, territory=template.territory)
        if template.file:
            template.file.delete(save=False)
        template.delete()


# --- documents ----------------------------------------------------------------------------------------


@dataclass
class Generated:
    filename: str
    content_type: str
    content: bytes


DOCUMENTS = {
    DocumentKind.OPERATOR_REPORT: ("otchet-noko", "docx", documents.DOCX_MIME),
    DocumentKind.MINISTRY_LETTER: ("pismo-noko", "docx", documents.DOCX_MIME),
    DocumentKind.XLSX: ("tablitsy-noko", "xlsx", xlsx.XLSX_MIME),
}


def can_generate(user, document: str, territory) -> bool:
    if document == DocumentKind.MINISTRY_LETTER:
        return can_act(user, territory)
    return can_view(user, territory)


def generate(
    user, document: str, scope: ReportScope, *, generated_at: datetime.datetime | None = None, job: Job | None = None
) -> Generated:
    """Build DOCUMENT for SCOPE from what USER may see (same data + same time = same bytes)."""
    from jobs.services import advance, set_total

    _require(can_generate(user, document, scope.territory))
    if document not in DOCUMENTS:
        raise ValidationError("Неизвестный вид документа")
    if job is not None:
        set_total(job, 2)
    data = collect(user, scope)
    if generated_at is not None:
        data.generated_at = generated_at
    if job is not None:
        advance(job)
    if document == DocumentKind.OPERATOR_REPORT:
        content = documents.operator_report(data)
    elif document == DocumentKind.MINISTRY_LETTER:
        content = documents.ministry_letter(data)
    else:
        content = xlsx.report_workbook(data)
    if job is not None:
        advance(job)
    stem, ext, mime = DOCUMENTS[document]
    return Generated(f"{stem}-{scope.slug}.{ext}", mime, content)


def scope_size(user, scope: ReportScope) -> int:
    return scope.filter(Result.objects.visible_to(user)).filter(code="S").count()


def start_generation(user, document: str, scope: ReportScope) -> Job:
    from jobs.services import enqueue

    _require(can_generate(user, document, scope.territory))
    label = dict(DocumentKind.choices)[document]
    return enqueue(
        JOB_KIND,
        f"{str(label).capitalize()}: {scope.title}",
        user,
        document=document,
        territory_id=scope.territory.pk,
        year=scope.year,
        cycle_id=scope.cycle.pk if scope.cycle else None,
    )


def attach(job: Job, generated: Generated) -> None:
    """Save the file on the job under a name nobody can guess (the download view checks access anyway)."""
    stem, _dot, ext = generated.filename.rpartition(".")
    job.file.save(f"{stem}-{secrets.token_hex(8)}.{ext}", ContentFile(generated.content), save=True)


# --- one organization ---------------------------------------------------------------------------------


def organization_card(user, entry: CycleOrganization) -> dict | None:
    """The back-office card (visible results, the head decisions) of ENTRY, which USER may see."""
    return cards.organization_card(
        entry,
        results=Result.objects.visible_to(user),
        with_actions=True,
        with_means=can_view(user, entry.organization.territory) or entry.cycle in _published(),
    )


def _published():
    from cycles.models import Cycle

    return Cycle.objects.published()


def attestation_extract(user, entry: CycleOrganization, *, generated_at=None) -> Generated | None:
    card = organization_card(user, entry)
    if card is None:
        return None
    if generated_at is not None:
        card["generated_at"] = generated_at
    content = documents.attestation_extract(card)
    return Generated(f"vypiska-noko-{entry.organization.inn}-{entry.cycle.year}.docx", documents.DOCX_MIME, content)
