"""The demo region: territories, organizations and a user for every role.

``build_demo(seed, size)`` is the one entry point used by ``manage.py load_demo``,
by test fixtures and by benchmarks. After the registry it runs the ``populate(ctx)``
function of every app that has a ``demo.py`` module (in INSTALLED_APPS order, the
order of the assessment flow), so each capability adds its own demo data.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db import transaction

from accounts.models import Membership, Role
from demo import names
from lib.ru_ids import inn_with_checksum, ogrn_with_checksum
from lib.text import translit
from registry.choices import OrgStatus, OrgType, TerritoryKind
from registry.models import Organization, Territory

DEMO_PASSWORD = "noko-demo-2026"  # noqa: S105 - printed to the person who runs the demo
REGION_NAME = "Северо-Восточная область"
REGION_NAME_GENITIVE = "Северо-Восточной области"
REGION_TZ = "Asia/Vladivostok"
PHONE_CODE = "4232"

# share of each type among the organizations of a municipality
TYPE_MIX = [(OrgType.DOO, 0.42), (OrgType.OO, 0.38), (OrgType.DO, 0.12), (OrgType.SPO, 0.05), (OrgType.OTHER, 0.03)]


@dataclass
class DemoContext:
    seed: int
    size: int
    rng: random.Random
    region: Territory
    municipalities: list[Territory]
    organizations: list[Organization]
    users: dict[str, User] = field(default_factory=dict)  # username → user
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, password)
    options: dict[str, Any] = field(default_factory=dict)
    # filled by the apps' populate(ctx) in INSTALLED_APPS order
    cycles: dict[tuple[int, int], Any] = field(default_factory=dict)  # (territory id, year) → Cycle
    current_cycles: list[Any] = field(default_factory=list)

    def add_user(
        self,
        username: str,
        full_name: str,
        role_label: str,
        memberships: list[dict[str, Any]],
        *,
        superuser: bool = False,
    ) -> User:
        last, first = ([*full_name.split(" ", 2), "", ""])[:2]
        user = User(username=username, first_name=first, last_name=last, is_staff=superuser, is_superuser=superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
        for membership in memberships:
            Membership.objects.create(user=user, **membership)
        self.users[username] = user
        self.logins.append((role_label, username, DEMO_PASSWORD))
        return user


def _municipality_count(size: int) -> int:
    return max(1, min(len(names.MUNICIPALITIES), 8 if size <= 400 else size // 160))


def _pick_type(rng: random.Random) -> str:
    roll = rng.random()
    acc = 0.0
    for org_type, share in TYPE_MIX:
        acc += share
        if roll < acc:
            return org_type
    return OrgType.OO


class _Identifiers:
    """Unique valid ИНН/ОГРН numbers, deterministic from the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def inn(self) -> str:
        while True:
            value = inn_with_checksum(f"25{self.rng.randint(0, 9_999_999):07d}")
            if value not in self.used:
                self.used.add(value)
                return value

    def ogrn(self, year: int) -> str:
        return ogrn_with_checksum(f"1{year % 100:02d}25{self.rng.randint(0, 9_999_999):07d}")


def _organization(
    rng: random.Random,
    ids: _Identifiers,
    municipality: Territory,
    stem: str,
    adjective: str,
    org_type: str,
    counters: dict[str, int],
) -> Organization:
    counters[org_type] = counters.get(org_type, 0) + 1
    n = counters[org_type]
    form = rng.choice(["бюджетное", "бюджетное", "автономное", "казённое"])
    abbr = {"бюджетное": "Б", "автономное": "А", "казённое": "К"}[form]
    if org_type == OrgType.DOO:
        nick = rng.choice(names.KINDERGARTEN_NAMES)
        full = f"Муниципальное {form} дошкольное образовательное учреждение «Детский сад № {n} «{nick}»»"
        short = f"М{abbr}ДОУ д/с № {n} «{nick}»"
        contingent = rng.randint(60, 340)
        site = f"https://ds{n}-{stem}.edu.ru"
        position = "заведующий"
    elif org_type == OrgType.OO:
        kind = rng.random()
        if kind < 0.08:
            full = f"Муниципальное {form} общеобразовательное учреждение «Гимназия № {n}»"
            short = f"М{abbr}ОУ «Гимназия № {n}»"
        elif kind < 0.14:
            full = f"Муниципальное {form} общеобразовательное учреждение «Лицей № {n}»"
            short = f"М{abbr}ОУ «Лицей № {n}»"
        elif kind < 0.3:
            full = f"Муниципальное {form} общеобразовательное учреждение «Основная общеобразовательная школа № {n}»"
            short = f"М{abbr}ОУ ООШ № {n}"
        else:
            full = f"Муниципальное {form} общеобразовательное учреждение «Средняя общеобразовательная школа № {n}»"
            short = f"М{abbr}ОУ СОШ № {n}"
        contingent = rng.randint(90, 1250)
        site = f"https://school{n}-{stem}.gosuslugi.ru" if rng.random() < 0.6 else f"https://sch{n}.{stem}-edu.ru"
        position = "директор"
    elif org_type == OrgType.DO:
        name, abbr_do = rng.choice(names.DO_KINDS)
        full = f"Муниципальное {form} учреждение дополнительного образования «{name}» {adjective.lower()}"
        short = f"М{abbr}У ДО {abbr_do} № {n}"
        contingent = rng.randint(150, 1800)
        site = f"https://{translit(abbr_do)}{n}-{stem}.ru"
        position = "директор"
    elif org_type == OrgType.SPO:
        name, abbr_spo = rng.choice(names.SPO_KINDS)
        full = f"Государственное бюджетное профессиональное образовательное учреждение «{adjective} {name}»"
        short = f"ГБПОУ «{adjective} {abbr_spo}»"
        contingent = rng.randint(280, 1600)
        site = f"https://{translit(abbr_spo)}-{stem}.ru"
        position = "директор"
    else:
        full = (
            f"Муниципальное {form} учреждение «Центр психолого-педагогической, медицинской и социальной помощи № {n}»"
        )
        short = f"М{abbr}У ЦППМСП № {n}"
        contingent = rng.randint(30, 300)
        site = f"https://ppms{n}-{stem}.ru"
        position = "директор"
    head, gender = names.person(rng)
    if position == "заведующий" and gender == "f":
        position = "заведующая"
    status = OrgStatus.ACTIVE
    roll = rng.random()
    if roll < 0.015:
        status = OrgStatus.REORGANIZING
    elif roll < 0.025:
        status = OrgStatus.CLOSED_TEMPORARILY
    elif roll < 0.03:
        status = OrgStatus.LIQUIDATED
    parents = (
        round(contingent * rng.uniform(1.3, 1.8))
        if org_type in (OrgType.DOO, OrgType.OO) and rng.random() < 0.7
        else None
    )
    founder = (
        f"Управление образования администрации {municipality.name.replace('город ', 'города ')}"
        if org_type != OrgType.SPO
        else f"Министерство образования {REGION_NAME_GENITIVE}"
    )
    return Organization(
        full_name=full,
        short_name=short,
        inn=ids.inn(),
        ogrn=ids.ogrn(rng.randint(1995, 2015)),
        org_type=org_type,
        founder=founder,
        territory=municipality,
        address=(
            f"{rng.randint(690000, 692999)}, {REGION_NAME}, {municipality.name}, "
            f"{rng.choice(names.STREETS)}, д. {rng.randint(1, 120)}"
        ),
        website=site if rng.random() > 0.02 else "",
        busgov_id=str(rng.randint(100000, 999999)) if rng.random() > 0.06 else "",
        head_name=head,
        head_position=position,
        head_email=f"{site.split('//')[1].split('.')[0]}@mail.ru" if site else "",
        head_phone=names.phone(rng, PHONE_CODE),
        contingent=contingent,
        parents_count=parents,
        status=status,
    )


@transaction.atomic
def build_demo(seed: int = 2026, size: int = 300, **options: Any) -> DemoContext:
    """Create the demo region in an empty database and return what was made."""
    if Territory.objects.filter(name=REGION_NAME, parent__isnull=True).exists():
        raise RuntimeError("Демонстрационный регион уже загружен")
    rng = random.Random(seed)
    region = Territory.objects.create(
        name=REGION_NAME,
        kind=TerritoryKind.REGION,
        code="05000000",
        timezone=REGION_TZ,
        authority_name=f"Министерство образования {REGION_NAME_GENITIVE}",
    )
    municipalities: list[Territory] = []
    stems: dict[int, tuple[str, str]] = {}
    for index, (name, stem, adjective) in enumerate(names.MUNICIPALITIES[: _municipality_count(size)], start=1):
        municipality = Territory.objects.create(
            name=name,
            kind=TerritoryKind.MUNICIPALITY,
            parent=region,
            code=f"05{index:03d}000",
            timezone=REGION_TZ,
            authority_name=f"Управление образования администрации {name.replace('город ', 'города ')}",
        )
        municipalities.append(municipality)
        stems[municipality.pk] = (stem, adjective)

    ids = _Identifiers(rng)
    organizations: list[Organization] = []
    counters: dict[int, dict[str, int]] = {m.pk: {} for m in municipalities}
    weights = [rng.uniform(0.6, 1.6) for _ in municipalities]
    total_weight = sum(weights)
    for municipality, weight in zip(municipalities, weights, strict=True):
        count = max(3, round(size * weight / total_weight))
        stem, adjective = stems[municipality.pk]
        for i in range(count):
            # every municipality has at least a school and a kindergarten, whatever the size
            org_type = (OrgType.OO, OrgType.DOO)[i] if i < 2 else _pick_type(rng)
            organizations.append(
                _organization(rng, ids, municipality, stem, adjective, org_type, counters[municipality.pk])
            )
    organizations = organizations[:size] if len(organizations) > size else organizations
    for org in organizations:
        org.name_search = ""
        org.save()  # save() fills the search column; bulk_create would skip it
    # about one school in twelve has a branch in a village
    for school in [o for o in organizations if o.org_type == OrgType.OO and rng.random() < 0.08]:
        stem, _adjective = stems[school.territory_id]
        branch = Organization(
            full_name=f"Филиал {school.full_name} в с. {rng.choice(names.VILLAGES)}",
            short_name=f"Филиал {school.short_name}",
            inn=ids.inn(),
            org_type=OrgType.OO,
            founder=school.founder,
            territory=school.territory,
            address=school.address,
            website=school.website,
            head_name=names.person(rng)[0],
            head_position="заведующий филиалом",
            contingent=rng.randint(20, 120),
            parent=school,
        )
        branch.save()
        organizations.append(branch)

    ctx = DemoContext(
        seed=seed,
        size=size,
        rng=rng,
        region=region,
        municipalities=municipalities,
        organizations=organizations,
        options=options,
    )
    _make_users(ctx)
    for config in apps.get_app_configs():
        if config.name == "demo":
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        module.populate(ctx)
    return ctx


def _make_users(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 1)
    first_mun = ctx.municipalities[0]
    school = next(
        o
        for o in ctx.organizations
        if o.territory_id == first_mun.pk and o.org_type == OrgType.OO and o.parent_id is None
    )
    ctx.add_user("admin", "Администратор Системы", "администратор системы", [], superuser=True)
    ctx.add_user(
        "region",
        names.person(rng)[0],
        "региональный орган (министерство)",
        [{"role": Role.REGIONAL, "territory": ctx.region}],
    )
    for index, municipality in enumerate(ctx.municipalities[:2], start=1):
        ctx.add_user(
            f"mun{index}",
            names.person(rng)[0],
            f"муниципальный орган: {municipality.name}",
            [{"role": Role.MUNICIPAL, "territory": municipality}],
        )
    ctx.add_user(
        "council",
        names.person(rng)[0],
        "член общественного совета (регион)",
        [{"role": Role.COUNCIL, "territory": ctx.region}],
    )
    ctx.add_user(
        "operator", names.person(rng)[0], "организация-оператор", [{"role": Role.OPERATOR, "territory": ctx.region}]
    )
    ctx.add_user(
        "school",
        names.person(rng)[0],
        f"сотрудник: {school.short_name}",
        [{"role": Role.ORG_STAFF, "organization": school}],
    )
