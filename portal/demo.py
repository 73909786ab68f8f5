"""Demo news of the НОКО section: results published, the survey under way, the council met."""

from __future__ import annotations

import datetime

from portal.models import NewsItem


def populate(ctx) -> None:
    years = sorted({year for (_territory, year) in ctx.cycles})
    if not years:
        return
    current, published = years[-1], years[-2] if len(years) > 1 else years[-1]
    NewsItem.objects.bulk_create(
        [
            NewsItem(
                territory=ctx.region,
                title=f"Опубликованы результаты независимой оценки {published} года",
                text="Результаты и рейтинги организаций утверждены общественным советом и размещены на портале "
                "и на официальном сайте bus.gov.ru.",
                published_on=datetime.date(published, 11, 30),
            ),
            NewsItem(
                territory=ctx.region,
                title=f"Идёт анкетирование получателей образовательных услуг ({current})",
                text="Родители и обучающиеся могут оценить условия в своей организации: ссылка на анкету — на "
                "странице организации на этом портале.",
                published_on=datetime.date(current, 4, 1),
            ),
            NewsItem(
                territory=ctx.region,
                title="Заседание общественного совета",
                text="Совет утвердил перечень организаций, в отношении которых проводится независимая оценка.",
                published_on=datetime.date(current, 2, 15),
            ),
        ]
    )
