"""Fixtures of the bus.gov.ru bridge tests: the organizations the sample files in fixtures/ name."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def sample_orgs(municipality, other_municipality):
    """Three organizations of mun1's municipality and one of another municipality, as in the sample files."""
    from registry.choices import OrgType
    from registry.models import Organization

    def make(inn, busgov_id, short, org_type, territory):
        return Organization.objects.create(
            full_name=f"Муниципальное учреждение {short}",
            short_name=short,
            inn=inn,
            org_type=org_type,
            territory=territory,
            busgov_id=busgov_id,
        )

    return {
        "a": make("2700000017", "770001", "МБОУ СОШ № 901", OrgType.OO, municipality),
        "b": make("2700000024", "770002", "МБДОУ д/с № 902 «Ромашка»", OrgType.DOO, municipality),
        "c": make("2700000031", "", "МБУ ДО ЦДТ № 903", OrgType.DO, municipality),
        "other": make("2700000049", "770004", "МБОУ СОШ № 904", OrgType.OO, other_municipality),
    }
