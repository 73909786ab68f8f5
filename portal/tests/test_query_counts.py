"""Portal pages run a bounded number of queries, whatever the number of organizations shown."""

import pytest

from cycles.models import CycleOrganization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/public/",
        "/public/t/{region}/",
        "/public/t/{region}/2025/",
        "/public/t/{region}/2025/?type=oo",
        "/public/t/{region}/2025/?page=2",
        "/public/t/{region}/2026/list/",
        "/public/t/{region}/council/",
        "/public/search/?q=школа",
        "/public/opendata/",
        "/public/org/{org}/",
    ],
)
def test_portal_pages_use_few_queries(path, client, region, django_assert_max_num_queries):
    org = CycleOrganization.objects.filter(cycle__year=2025).first().organization_id
    url = path.format(region=region.pk, org=org)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200


def test_results_page_query_count_does_not_grow_with_rows(client, region, municipality, other_municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for params in ({"mo": municipality.pk}, {"mo": other_municipality.pk}, {"type": "oo"}, {"q": "№"}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/public/t/{region.pk}/2025/", params)
        assert response.status_code == 200
        counts.append(len(captured))
    assert len(set(counts)) == 1, counts
    with CaptureQueriesContext(connection) as everything:
        client.get(f"/public/t/{region.pk}/2025/")
    assert len(everything) <= counts[0]
