"""Generated school websites: realistic /sveden/ pages whose completeness is set by a seed.

Used by the demo (served from memory, no network), the benchmark (1,000 sites on loopback)
and the tests (a 2.5 MB staff page, windows-1251 sites). ``generate_site`` returns
{path: bytes}; ``SiteSpec`` records what was put on the site, so a test can predict the result.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from sitecheck.engine.rulebook import Rule, RuleBook

SURNAMES = [
    "Иванова",
    "Петров",
    "Смирнова",
    "Кузнецов",
    "Соколова",
    "Попов",
    "Лебедева",
    "Козлов",
    "Новикова",
    "Морозов",
]
FIRST = ["Анна Сергеевна", "Олег Петрович", "Елена Викторовна", "Игорь Николаевич", "Марина Юрьевна", "Павел Андреевич"]
SUBJECTS = [
    "Русский язык",
    "Математика",
    "История",
    "Физика",
    "Биология",
    "Английский язык",
    "Музыка",
    "Физическая культура",
]
POSTS = ["учитель", "воспитатель", "педагог дополнительного образования", "методист", "педагог-психолог"]


@dataclass
class SiteSpec:
    seed: int
    org_type: str | None
    quality: float
    layout: str  # folder / html
    encoding: str
    sections: list[str] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)  # rule codes marked with real content
    channels: set[str] = field(default_factory=set)
    bvi: bool = False
    questionnaire: bool = False


def _value(rule: Rule, rng: random.Random, index: int = 0) -> str:
    name = rule.name
    if name.endswith(("DocLink", "El")) or name in (
        "opMain",
        "educationPlan",
        "educationRpd",
        "educationShedule",
        "eduPr",
        "methodology",
        "eduFedDoc",
        "paidEdu",
        "paidDog",
        "paidSt",
        "paidParents",
        "localActStud",
        "localActOrder",
    ):
        size = rng.randint(90, 900)
        return f'<a href="/upload/docs/{name.lower()}-{index}.pdf">{html.escape(rule.label)} (PDF, {size} КБ)</a>'
    if name in ("fio", "fioFil", "fioRep", "nameUchred"):
        return f"{rng.choice(SURNAMES)} {rng.choice(FIRST)}"
    if name in ("telephone", "telUchred"):
        return f"+7 (4232) {rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    if name in ("email", "mailUchred", "emailFil", "emailRep"):
        return f"office{rng.randint(1, 99)}@edu-example.ru"
    if name == "regDate":
        return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2012)}"
    if name in ("teachingDiscipline", "eduPred"):
        return ", ".join(rng.sample(SUBJECTS, 2))
    if name == "post":
        return rng.choice(POSTS)
    if name.startswith(("fin", "number")) or name in ("v1", "t1", "hostelNum", "interNum"):
        return str(rng.randint(0, 9000))
    return f"{html.escape(rule.label)}: сведения организации № {index + 1}"


def _block(rule: Rule, rng: random.Random, org_type, as_of, rows: int, quality: float, spec: SiteSpec) -> str:
    if not rule.is_parent:
        if rng.random() < 0.04:  # an unfilled template
            return f'<p>{html.escape(rule.label)}: <span itemprop="{rule.name}">дд.мм.гггг</span></p>'
        spec.placed.add(rule.code)
        tag = "div" if rule.name.endswith(("DocLink", "El")) else "p"
        return f'<{tag}>{html.escape(rule.label)}: <span itemprop="{rule.name}">{_value(rule, rng)}</span></{tag}>'
    children = [c for c in rule.children if c.applies(org_type)]
    skip = {c.name for c in children if c.is_required(org_type, as_of) and rng.random() > 0.6 + 0.4 * quality}
    head = "".join(f"<th>{html.escape(c.label)}</th>" for c in children)
    body = []
    for index in range(rows):
        cells = "".join(
            f'<td itemprop="{c.name}">{_value(c, rng, index)}</td>' if c.name not in skip else "<td></td>"
            for c in children
        )
        body.append(f'<tr itemprop="{rule.name}">{cells}</tr>')
    if not skip:
        spec.placed.add(rule.code)
    return (
        f"<h3>{html.escape(rule.label)}</h3><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _page(title: str, body: str, encoding: str, nav: str = "", bvi: bool = True) -> bytes:
    bvi_link = '<a class="bvi-open" href="?special=1">Версия для слабовидящих</a>' if bvi else ""
    text = (
        f'<!doctype html><html lang="ru"><head><meta charset="{encoding}"><title>{html.escape(title)}</title></head>'
        f"<body><header>{bvi_link}<nav>{nav}</nav></header><main><h1>{html.escape(title)}</h1>{body}</main>"
        "<footer>© Образовательная организация</footer></body></html>"
    )
    return text.encode(encoding, errors="xmlcharrefreplace")


def generate_site(
    rulebook: RuleBook,
    seed: int,
    *,
    org_type: str | None = "SCH",
    quality: float | None = None,
    as_of=None,
    rows: int | None = None,
    staff_rows: int | None = None,
    questionnaire_url: str = "",
) -> tuple[dict[str, bytes], SiteSpec]:
    import datetime as dt

    rng = random.Random(seed)  # noqa: S311 - generated test sites
    as_of = as_of or dt.date(2026, 3, 15)
    quality = rng.uniform(0.35, 1.0) if quality is None else quality
    encoding = "windows-1251" if rng.random() < 0.15 else "utf-8"
    layout = "html" if rng.random() < 0.3 else "folder"
    spec = SiteSpec(seed=seed, org_type=org_type, quality=quality, layout=layout, encoding=encoding)
    spec.bvi = rng.random() < 0.55 + 0.4 * quality

    def href(code: str) -> str:
        return f"/sveden/{code}.html" if layout == "html" else f"/sveden/{code}/"

    pages: dict[str, bytes] = {}
    codes = []
    for code, section in rulebook.sections.items():
        if not section.applies(org_type):
            continue
        if rng.random() > 0.75 + 0.25 * quality:
            continue  # the subsection page is missing
        codes.append(code)
    spec.sections = codes
    nav = "".join(f'<a href="{href(c)}">{html.escape(rulebook.sections[c].title)}</a> ' for c in codes)
    for code in codes:
        section = rulebook.sections[code]
        parts = []
        for rule in section.props:
            if not rule.applies(org_type):
                continue
            keep = rule.is_required(org_type, as_of) or rule.name == "copy" or rng.random() < 0.3
            if not keep or rng.random() > quality + 0.1:
                continue
            if rule.name == "copy" and not spec.bvi:
                continue
            count = staff_rows if (staff_rows and rule.name == "teachingStaff") else (rows or rng.randint(1, 4))
            parts.append(_block(rule, rng, org_type, as_of, count, quality, spec))
        pages[href(code)] = _page(section.title, "".join(parts), encoding, nav, spec.bvi)
    hub = (
        "<ul>"
        + "".join(f'<li><a href="{href(c)}">{html.escape(rulebook.sections[c].title)}</a></li>' for c in codes)
        + "</ul>"
    )
    pages["/sveden/"] = _page("Сведения об образовательной организации", hub, encoding, nav, spec.bvi)

    home = ['<p><a href="/sveden/">Сведения об образовательной организации</a></p>']
    if rng.random() < 0.9:
        spec.channels.add("phone")
        number = f"+7 (4232) {rng.randint(20, 79)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        home.append(
            f'<p>Телефон: <a href="tel:{number.replace(" ", "")}">{number}</a></p>'
            if rng.random() < 0.6
            else f"<p>Телефон: {number}</p>"
        )
    if rng.random() < 0.85:
        spec.channels.add("email")
        home.append('<p>E-mail: <a href="mailto:school@edu-example.ru">school@edu-example.ru</a></p>')
    if rng.random() < 0.35 + 0.4 * quality:
        spec.channels.add("eform")
        if rng.random() < 0.5:
            home.append(
                '<script src="https://pos.gosuslugi.ru/bin/script.min.js"></script>'
                '<div id="js-show-iframe-wrapper"></div>'
            )
        else:
            home.append('<p><a href="/obrashcheniya/">Обращения граждан</a></p>')
            form = (
                '<form method="post" action="/obrashcheniya/"><input name="fio"><input name="email" type="email">'
                '<textarea name="text"></textarea><button>Отправить</button></form>'
            )
            pages["/obrashcheniya/"] = _page("Обращения граждан", form, encoding, "", spec.bvi)
    if rng.random() < 0.2 + 0.5 * quality:
        spec.channels.add("faq")
        home.append('<p><a href="/faq/">Часто задаваемые вопросы</a></p>')
        pages["/faq/"] = _page(
            "Часто задаваемые вопросы",
            "<dl><dt>Как записаться?</dt><dd>Через Госуслуги.</dd></dl>",
            encoding,
            "",
            spec.bvi,
        )
    if rng.random() < 0.3 + 0.5 * quality:
        spec.channels.add("opinion")
        home.append(
            f'<p><a href="https://bus.gov.ru/info-card/{rng.randint(100000, 999999)}">'
            "Оценить качество на bus.gov.ru</a></p>"
        )
    if questionnaire_url and rng.random() < 0.25 + 0.6 * quality:
        spec.questionnaire = True
        spec.channels.add("opinion")
        home.append(
            f'<p><a href="{questionnaire_url}">Анкета для оценки качества условий образовательной деятельности</a></p>'
        )
    home.append(
        '<p><a href="https://edu.gov.ru/">Минпросвещения России</a> '
        '<a href="https://minobrnauki.gov.ru/">Минобрнауки России</a></p>'
    )
    pages["/"] = _page("Главная", "".join(home), encoding, nav, spec.bvi)
    # contacts published on «Основные сведения» are remote channels too
    if "common.telephone" in spec.placed:
        spec.channels.add("phone")
    if "common.email" in spec.placed:
        spec.channels.add("email")
    return pages, spec
