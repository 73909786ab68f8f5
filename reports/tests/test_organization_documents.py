"""Per-organization documents: the extract for the head's attestation (DOCX) and the parents' card (PDF)."""

import io

from docx import Document

from cycles.models import CycleOrganization
from reports import services
from reports.formatting import ru_number
from reports.tests.conftest import YEAR
from scoring.models import Result


def _entry(school):
    return CycleOrganization.objects.filter(organization=school, cycle__year__lte=YEAR).order_by("-cycle__year").first()


def test_attestation_extract_shows_the_organizations_results(school_staff, school, municipal_official):
    entry = _entry(school) or CycleOrganization.objects.filter(organization=school).first()
    values = dict(Result.objects.filter(cycle_organization=entry).values_list("code", "value"))
    for user in (school_staff, municipal_official):
        generated = services.attestation_extract(user, entry)
        document = Document(io.BytesIO(generated.content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert school.full_name in text and school.inn in text
        rows = {r.cells[0].text: r.cells[2].text for r in document.tables[0].rows[1:]}
        assert rows["S"] == ru_number(values["S"])
        assert rows["К3"] == ru_number(values["K3"])


def test_card_pdf_for_parents_is_one_page(client_for, municipal_official, municipality):
    from weasyprint import HTML

    from reports.pdf import qr_data_uri

    entry = CycleOrganization.objects.filter(cycle__year=YEAR, organization__territory=municipality).first()
    response = client_for(municipal_official).get(f"/reports/org/{entry.pk}/card.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    card = services.organization_card(municipal_official, entry)
    from django.template.loader import render_to_string

    html = render_to_string("reports/card_pdf.html", {"card": card, "public_url": "https://x", "qr": qr_data_uri("x")})
    assert len(HTML(string=html).render().pages) == 1
    assert ru_number(card["total"]) in html
