"""Planning step 1: the procuratorates and their departments before and after the reform
(base departments 956 → 510; criminal departments 14×2 city, 3×1 branch, 82×1 + 12×2 base)."""

from __future__ import annotations

import random
import re

from procuracy.demo.spec import (
    BASE,
    BRANCH,
    CITY,
    FOUNDED,
    PROVINCE,
    REFORM,
    DeptSpec,
    PlaceSpec,
    Shape,
    apportion,
    cn_number,
    place_names,
)

# --- procuratorates -------------------------------------------------------------------------

# Branches (分院) oversee specialised base procuratorates: railway transport, mining, forestry.
BRANCH_KINDS = (
    ("铁路运输分院", "铁路运输检察院"),
    ("矿区分院", "矿区人民检察院"),
    ("林区分院", "林区人民检察院"),
)


def plan_places(rng: random.Random, shape: Shape, province_code: str) -> list[PlaceSpec]:
    if not re.fullmatch(r"\d{2}0000", province_code):
        raise ValueError("the province code has six digits ending in 0000, e.g. 620000")
    pp = province_code[:2]
    under_cities = shape.base - sum(shape.base_under_branches)
    cities = apportion(under_cities, [rng.uniform(0.6, 1.4) for _ in range(shape.cities)], lo=2)
    words = iter(place_names(rng, shape.cities + shape.branches + shape.base))
    places = [PlaceSpec(0, province_code, "演示省人民检察院", "省院", PROVINCE, None)]

    def add(code, name, short, level, parent, weight=1.0):
        places.append(PlaceSpec(len(places), code, name, short, level, parent, weight))
        return places[-1]

    for i, n_base in enumerate(cities, start=1):
        word = next(words)
        city = add(f"{pp}{i:02d}00", f"{word}市人民检察院", f"{word}市院", CITY, 0)
        for j in range(1, n_base + 1):
            # The first one or two are the city's own districts, the busiest; then counties.
            word = next(words)
            suffix = "区" if j <= 1 + (n_base > 6) else "县"
            weight = rng.lognormvariate(0, 0.5) * (1.6 if suffix == "区" else 1.0)
            name = f"{city.name.removesuffix('人民检察院')}{word}{suffix}人民检察院"
            add(f"{pp}{i:02d}{j:02d}", name, f"{word}{suffix}院", BASE, city.key, weight)
    for b, n_base in enumerate(shape.base_under_branches, start=1):
        word = next(words)
        branch_suffix, child_suffix = BRANCH_KINDS[(b - 1) % len(BRANCH_KINDS)]
        branch = add(
            f"{pp}7{b}00", f"演示省人民检察院{word}{branch_suffix}", f"{word}分院", BRANCH, 0
        )
        for j in range(1, n_base + 1):
            word = next(words)
            name = f"{word}{child_suffix}"
            add(f"{pp}7{b}{j:02d}", name, f"{word}{child_suffix[:2]}院", BASE, branch.key, 0.5)
    _allocate_prosecutors(places, shape)
    return places


def _allocate_prosecutors(places: list[PlaceSpec], shape: Shape) -> None:
    """Quota goes where the caseload is, tilted to the base (员额向基层一线倾斜)."""
    base = [p for p in places if p.level == BASE]
    for p, n in zip(
        base,
        apportion(shape.base_prosecutors, [p.weight for p in base], lo=shape.min_base_prosecutors),
        strict=True,
    ):
        p.prosecutors = n
    places[0].prosecutors = shape.province_prosecutors
    branches = [p for p in places if p.level == BRANCH]
    for p in branches:
        p.prosecutors = shape.branch_prosecutors
    cities = [p for p in places if p.level == CITY]
    for city in cities:
        city.weight = sum(p.weight for p in base if p.parent == city.key)
    left = (
        shape.prosecutors
        - shape.base_prosecutors
        - shape.province_prosecutors
        - shape.branch_prosecutors * len(branches)
    )
    for city, n in zip(cities, apportion(left, [c.weight for c in cities], lo=8), strict=True):
        city.prosecutors = n


# --- departments ----------------------------------------------------------------------------

CRIMINAL_LINES = ("ordinary_crime", "major_crime", "duty_crime", "economic_crime")
LINE_CODES = (
    *CRIMINAL_LINES,
    "criminal_enforcement",
    "civil",
    "administrative",
    "public_interest",
    "minors",
    "complaints",
)

# Before the reform a base procuratorate had sections named after procedures (侦监, 公诉…);
# every one had the core eight, bigger ones more of the extras, in this order.
BASE_OLD_CORE = (
    ("侦查监督科", "business", ("ordinary_crime", "major_crime")),
    ("公诉科", "business", ("ordinary_crime", "major_crime", "economic_crime")),
    ("反贪污贿赂局", "business", ("duty_crime",)),
    ("民事行政检察科", "business", ("civil", "administrative")),
    ("控告申诉检察科", "business", ("complaints",)),
    ("办公室", "administrative", ()),
    ("政治处", "personnel", ()),
    ("案件管理办公室", "case_management", ()),
)
BASE_OLD_EXTRAS = (
    ("刑事执行检察科", "business", ("criminal_enforcement",)),
    ("反渎职侵权局", "business", ("duty_crime",)),
    ("未成年人检察科", "business", ("minors",)),
    ("司法警察大队", "police", ()),
    ("检察技术科", "technical", ()),
    ("职务犯罪预防科", "business", ("duty_crime",)),
    ("研究室", "administrative", ()),
    ("检务督察室", "inspection", ()),
)

# After it: departments named after functions; small procuratorates combine business lines
# into combined departments (人民检察院组织法第十八条). The number is the department's share
# of the procuratorate's staff of its kind.
BASE_ONE_CRIMINAL = (("刑事检察部", "business", CRIMINAL_LINES, 0.5),)
BASE_TWO_CRIMINAL = (
    ("第一刑事检察部", "business", ("ordinary_crime", "major_crime"), 0.3),
    ("第二刑事检察部", "business", ("duty_crime", "economic_crime"), 0.22),
)
BASE_REST = (
    ("民事行政公益诉讼检察部", "combined", ("civil", "administrative", "public_interest"), 0.2),
    ("综合业务部", "combined", ("criminal_enforcement", "minors", "complaints"), 0.28),
    ("办公室", "administrative", (), 0.45),
    ("案件管理部", "case_management", (), 0.3),
)
PERSONNEL_OFFICE = ("政治部", "personnel", (), 0.25)
CITY_NEW = (
    ("第一检察部", "business", ("ordinary_crime", "major_crime"), 0.3),
    ("第二检察部", "business", ("duty_crime", "economic_crime"), 0.2),
    ("第三检察部", "business", ("criminal_enforcement",), 0.1),
    ("第四检察部", "combined", ("civil", "administrative", "public_interest"), 0.2),
    ("第五检察部", "combined", ("minors", "complaints"), 0.2),
    ("办公室", "administrative", (), 0.4),
    PERSONNEL_OFFICE,
    ("案件管理部", "case_management", (), 0.25),
    ("检务督察部", "inspection", (), 0.1),
    ("司法警察支队", "police", (), 1.0),
    ("检察技术处", "technical", (), 1.0),
)
BRANCH_NEW = (
    ("刑事检察部", "business", CRIMINAL_LINES, 0.6),
    ("综合业务部", "combined", LINE_CODES[4:], 0.4),
    ("办公室", "administrative", (), 0.5),
    PERSONNEL_OFFICE,
    ("案件管理部", "case_management", (), 0.3),
)
PROVINCE_SHARES = (0.16, 0.12, 0.1, 0.1, 0.08, 0.1, 0.08, 0.09, 0.09, 0.08)
PROVINCE_NEW = (
    *(
        (f"第{cn_number(i + 1)}检察部", "business", (code,), share)
        for i, (code, share) in enumerate(zip(LINE_CODES, PROVINCE_SHARES, strict=True))
    ),
    ("办公室", "administrative", (), 0.4),
    PERSONNEL_OFFICE,
    ("案件管理部", "case_management", (), 0.25),
    ("检务督察部", "inspection", (), 0.1),
    ("司法警察总队", "police", (), 1.0),
    ("检察技术处", "technical", (), 1.0),
)


def plan_departments(shape: Shape, places: list[PlaceSpec]) -> list[DeptSpec]:
    depts: list[DeptSpec] = []

    def add(place, name, kind, lines, share=1.0, valid_from=REFORM, closes_on=None):
        depts.append(
            DeptSpec(len(depts), place.key, name, kind, tuple(lines), valid_from, closes_on, share)
        )

    base = [p for p in places if p.level == BASE]
    busiest = sorted(base, key=lambda p: (-p.weight, p.key))
    two = {p.key for p in busiest[: shape.base_with_two_criminal]}
    cut = shape.base_with_two_criminal + shape.base_with_personnel_office
    personnel = {p.key for p in busiest[shape.base_with_two_criminal : cut]}
    extras = apportion(
        shape.base_departments_before - len(BASE_OLD_CORE) * len(base),
        [p.weight for p in base],
        hi=len(BASE_OLD_EXTRAS),
    )
    for place, n_extra in zip(base, extras, strict=True):
        for name, kind, lines in BASE_OLD_CORE + BASE_OLD_EXTRAS[:n_extra]:
            add(place, name, kind, lines, valid_from=FOUNDED, closes_on=REFORM)
    templates = {PROVINCE: PROVINCE_NEW, CITY: CITY_NEW, BRANCH: BRANCH_NEW}
    for place in places:
        if place.level == BASE:
            chosen = BASE_TWO_CRIMINAL if place.key in two else BASE_ONE_CRIMINAL
            chosen += BASE_REST + ((PERSONNEL_OFFICE,) if place.key in personnel else ())
        else:
            chosen = templates[place.level]
        for name, kind, lines, share in chosen:
            add(place, name, kind, lines, share)
    return depts
