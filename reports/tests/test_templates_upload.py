"""A region replaces the wording of the operator's report with its own DOCX template; bad templates are named."""

import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from reports import services
from reports.choices import DocumentKind
from reports.doc_templates.build import operator_report
from reports.tests.conftest import MOMENT


def _custom_template() -> bytes:
    document = Document(io.BytesIO(operator_report()))
    document.paragraphs[1].text = "Отчёт, согласованный с региональным центром оценки качества"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_regions_template_is_used_for_its_municipalities(
    regional_official, region, municipal_scope, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    services.upload_template(regional_official, region, DocumentKind.OPERATOR_REPORT, "my.docx", _custom_template())
    generated = services.generate(regional_official, DocumentKind.OPERATOR_REPORT, municipal_scope, generated_at=MOMENT)
    text = "\n".join(p.text for p in Document(io.BytesIO(generated.content)).paragraphs)
    assert "согласованный с региональным центром" in text


def test_a_broken_template_is_refused_with_its_name(regional_official, region, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document()
    document.add_paragraph("{% for x in %}")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ValidationError) as error:
        services.upload_template(
            regional_official, region, DocumentKind.OPERATOR_REPORT, "broken.docx", buffer.getvalue()
        )
    assert "broken.docx" in str(error.value)
    with pytest.raises(ValidationError):
        services.upload_template(regional_official, region, DocumentKind.OPERATOR_REPORT, "notes.txt", b"plain")
