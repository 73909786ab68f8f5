"""A municipal official logs in through the browser and sees exactly the organizations of its municipality."""

import re

import pytest

from registry.models import Organization

pytestmark = pytest.mark.browser


def test_municipal_official_sees_exactly_its_organizations(live_demo, login_as, page, live_server):
    municipality = live_demo.users["mun1"].memberships.get().territory
    own = Organization.objects.filter(territory=municipality)
    foreign = Organization.objects.exclude(territory=municipality).first()

    login_as("mun1")
    page.goto(f"{live_server.url}/registry/")
    count_text = page.get_by_test_id("org-count").inner_text()
    assert int(re.search(r"\d+", count_text).group()) == own.count()
    assert "организаци" in count_text
    rows = page.locator("table.data tbody tr")
    assert rows.count() == min(own.count(), 50)
    shown = set(rows.locator("td:first-child").all_inner_texts())
    assert str(foreign) not in shown

    # live search narrows the list without a page reload (htmx)
    target = own.filter(org_type="oo").first()
    page.fill("input[name=q]", target.short_name)
    page.wait_for_function("n => document.querySelectorAll('table.data tbody tr').length <= n", arg=own.count() - 1)
    assert target.short_name in page.locator("table.data tbody").inner_text()

    # a stranger's card is not found
    response = page.goto(f"{live_server.url}/registry/{foreign.pk}/")
    assert response.status == 404
