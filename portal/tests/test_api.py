"""Open data through the API: anonymous, published cycles only."""

import pytest

from cycles.models import Cycle
from portal.services import open_datasets

pytestmark = pytest.mark.django_db


def test_datasets_are_public_and_only_published(client):
    response = client.get("/api/portal/datasets")
    assert response.status_code == 200
    ids = {d["id"] for d in response.json()}
    assert ids == set(open_datasets().values_list("pk", flat=True))
    current = Cycle.objects.filter(year=2026).first()
    assert current.pk not in ids
    assert client.get(f"/api/portal/datasets/{current.pk}").status_code == 404
    first = next(iter(ids))
    assert "S" in client.get(f"/api/portal/datasets/{first}").json()["columns"]
