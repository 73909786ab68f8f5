"""The reviews dashboard, counted independently from the data, and its slices per role."""

from __future__ import annotations

import datetime

from django.db.models import Q

from busgov import monitoring, services
from busgov.choices import ImportKind
from busgov.models import CitizenReview
from busgov.tests.conftest import read_fixture
from registry.choices import OrgStatus
from registry.models import Organization, Territory

YEAR = 2026


def _orgs(territory_ids):
    return Organization.objects.filter(territory_id__in=territory_ids, parent__isnull=True).exclude(
        status=OrgStatus.LIQUIDATED
    )


def test_counts_match_the_data(regional_official, region):
    summary = monitoring.review_summary(regional_official, YEAR)
    orgs = _orgs(region.subtree_ids())
    reviews = CitizenReview.objects.filter(organization__in=orgs, posted_on__year=YEAR)
    with_reviews = set(reviews.values_list("organization_id", flat=True))
    assert summary.totals.organizations == orgs.count()
    assert summary.totals.reviews == reviews.count() > 0
    assert summary.totals.without_reviews == orgs.exclude(pk__in=with_reviews).count() > 0
    assert {o.pk for o in summary.without_reviews} == set(
        orgs.exclude(pk__in=with_reviews).values_list("pk", flat=True)
    )
    assert summary.totals.negative == reviews.filter(is_negative=True).count() > 0
    assert summary.totals.unanswered == reviews.filter(response__isnull=True).count()
    expected_share = round(100 * summary.totals.negative / summary.totals.reviews, 1)
    assert float(summary.totals.negative_share) == expected_share
    for row in summary.rows:
        mine = reviews.filter(organization__territory=row.territory)
        assert row.reviews == mine.count()
        assert row.unanswered_negative == mine.filter(Q(is_negative=True) & Q(response__isnull=True)).count()
    assert sum(r.organizations for r in summary.rows) == summary.totals.organizations


def test_municipal_official_sees_only_its_municipality(municipal_official, municipality):
    summary = monitoring.review_summary(municipal_official, YEAR)
    assert [r.territory for r in summary.rows] == [municipality]
    assert all(o.territory_id == municipality.pk for o in summary.without_reviews)
    assert summary.totals.organizations == _orgs([municipality.pk]).count()


def test_school_sees_its_own_organization(school_staff, school):
    summary = monitoring.review_summary(school_staff, YEAR)
    assert summary.totals.organizations == 1
    assert summary.totals.reviews == CitizenReview.objects.filter(organization=school, posted_on__year=YEAR).count()


def test_trend_between_two_checks(municipal_official, sample_orgs, municipality):
    services.apply_import(
        municipal_official,
        services.prepare_import(municipal_official, ImportKind.REVIEWS, read_fixture("reviews-2026.csv"), "r.csv"),
    )
    rows = monitoring.trend(municipal_official, YEAR, datetime.date(2026, 3, 20), datetime.date(2026, 4, 25))
    row = next(r for r in rows if r["territory"] == municipality)
    # 902 «Ромашка» has a review of 11 Feb: reviewed at both checks; 903 only from 5 May: without at both
    assert sample_orgs["b"] not in row["got_first_review"]
    rows = monitoring.trend(municipal_official, YEAR, datetime.date(2026, 2, 1), datetime.date(2026, 5, 31))
    row = next(r for r in rows if r["territory"] == municipality)
    assert {sample_orgs["b"], sample_orgs["c"]} <= set(row["got_first_review"])
    assert sample_orgs["a"] not in row["got_first_review"]  # reviewed on 15 January already
    before = CitizenReview.objects.filter(organization__territory=municipality, posted_on__year=YEAR)
    assert row["added"] == before.filter(posted_on__gt="2026-02-01", posted_on__lte="2026-05-31").count()
    assert row["without_first"] - row["without_second"] == len(row["got_first_review"])


def test_dashboard_page_lists_organizations_without_reviews(client_for, municipal_official, municipality):
    response = client_for(municipal_official).get(f"/busgov/reviews/?year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    summary = monitoring.review_summary(municipal_official, YEAR)
    for org in summary.without_reviews:
        assert org.short_name.replace("«", "&laquo;") in page or org.short_name in page
    other = Territory.objects.exclude(pk=municipality.pk).filter(parent__isnull=False).first()
    assert client_for(municipal_official).get(f"/busgov/reviews/?territory={other.pk}").status_code == 404
