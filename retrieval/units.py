"""Vietnam's administrative map before and after 1 July 2025, read once from vietnamadminunits.

Legacy map (table ``admin_units_legacy``): 63 provinces, ~700 districts (huyện, quận, thị xã,
thành phố), their communes. 2025 map (table ``admin_units``): 34 provinces, communes only. The
package's own converter table (``data/converter_2025.json``) says which legacy provinces each 2025
province took in and which legacy communes each 2025 commune was formed from.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from retrieval.vietnamese import fold

_DISTRICT_TYPES = {"huyen": "huyện", "quan": "quận", "thi xa": "thị xã", "thanh pho": "thành phố"}


def name_key(name: str) -> str:
    """Return the folded key of a unit name: "Bà Rịa - Vũng Tàu" -> "ba ria vung tau"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(name)))


def _unit_type(full: str, short: str) -> str:
    """Return the lowercase unit word of a full name: ("Tỉnh Bắc Kạn", "Bắc Kạn") -> "tỉnh"."""
    return full[: len(full) - len(short)].strip().lower() if full.endswith(short) else ""


@dataclass(frozen=True)
class LegacyProvince:
    """A province of the pre-2025 map."""

    key: str  # "bac kan"
    name: str  # "Bắc Kạn"
    type: str  # "tỉnh" or "thành phố"
    successor: str  # key of the 2025 province that holds it now


@dataclass(frozen=True)
class District:
    """A district-level unit of the pre-2025 map (huyện, quận, thị xã or thành phố thuộc tỉnh)."""

    key: str  # "cho don"
    name: str  # "Chợ Đồn"
    type: str  # "huyện", "quận", "thị xã", "thành phố"
    province: str  # key of its legacy province


@dataclass(frozen=True)
class Province2025:
    """A province of the map in force since 1 July 2025."""

    key: str
    name: str
    type: str  # "tỉnh" or "thành phố"
    legacy: tuple[str, ...]  # keys of the legacy provinces it took in; its namesake first


@dataclass(frozen=True)
class NamesakeCommune:
    """A 2025 commune named after the legacy district it was (partly) formed from: "xã Chợ Đồn"."""

    key: str
    name: str
    type: str  # "xã" or "phường"
    province: str  # key of its 2025 province
    legacy_province: str  # key of the legacy province of the district it is named after


@dataclass(frozen=True)
class AdminMap:
    """Both maps, indexed by folded name."""

    provinces: dict[str, LegacyProvince]
    districts: dict[str, tuple[District, ...]]  # one name can be a district in several provinces
    provinces_2025: dict[str, Province2025]
    namesake_communes: dict[str, tuple[NamesakeCommune, ...]]
    legacy_commune_names: frozenset[str]  # every pre-2025 xã, phường, thị trấn name, folded


def _data_dir() -> Path:
    """Return the package's data folder without importing it (its import pulls in geopy: ~0.5 s)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _query(sql: str) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(f"file:{_data_dir() / 'dataset.db'}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql)]


@lru_cache(maxsize=1)
def admin_map() -> AdminMap:
    """Load both maps and the 2025 conversion table once."""
    legacy_rows = _query(
        "SELECT DISTINCT province, provinceShort, provinceKey, district, districtShort, "
        "districtType, districtKey FROM admin_units_legacy"
    )
    ward_rows = _query("SELECT DISTINCT wardShort FROM admin_units_legacy WHERE wardShort IS NOT NULL")
    new_rows = _query("SELECT province, provinceShort, provinceKey, wardShort, wardType, wardKey FROM admin_units")
    table = json.loads((_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))

    # The package keys units as "tinhbackan"; ours are folded names with spaces ("bac kan").
    legacy_key = {r["provinceKey"]: name_key(r["provinceShort"]) for r in legacy_rows}
    new_key = {r["provinceKey"]: name_key(r["provinceShort"]) for r in new_rows}
    successor = {legacy_key[old]: new_key[new] for new, olds in table["DICT_PROVINCE"].items() for old in olds}

    provinces: dict[str, LegacyProvince] = {}
    districts: dict[str, list[District]] = {}
    district_of: dict[tuple[str, str], District] = {}  # (package province key, package district key)
    for r in legacy_rows:
        key = legacy_key[r["provinceKey"]]
        if key not in provinces:
            provinces[key] = LegacyProvince(
                key, r["provinceShort"], _unit_type(r["province"], r["provinceShort"]), successor[key]
            )
        if r["districtShort"] and (r["provinceKey"], r["districtKey"]) not in district_of:
            kind = _DISTRICT_TYPES.get(fold(r["districtType"] or ""), (r["districtType"] or "").lower())
            # Two units of one name in a province are told apart in the data: "Cai Lậy (Thị xã)".
            name = re.sub(r"\s*\([^)]*\)$", "", r["districtShort"])
            district = District(name_key(name), name, kind, key)
            district_of[(r["provinceKey"], r["districtKey"])] = district
            districts.setdefault(district.key, []).append(district)

    provinces_2025: dict[str, Province2025] = {}
    for new, olds in table["DICT_PROVINCE"].items():
        key = new_key[new]
        row = next(r for r in new_rows if r["provinceKey"] == new)
        legacy = sorted((legacy_key[o] for o in olds), key=lambda k: k != key)  # namesake first, then data order
        provinces_2025[key] = Province2025(
            key, row["provinceShort"], _unit_type(row["province"], row["provinceShort"]), tuple(legacy)
        )

    # Which legacy districts each 2025 commune was formed from (wholly or from a divided commune).
    sources: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for new, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            sources.setdefault((new, ward), set()).update(tuple(o.split("_")[:2]) for o in olds)
    for new, divided in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in divided.items():
            for target in targets:
                sources.setdefault((new, target["newWardKey"]), set()).add(tuple(old.split("_")[:2]))
    namesakes: dict[str, list[NamesakeCommune]] = {}
    for r in new_rows:
        key = name_key(r["wardShort"])
        for old_province, old_district in sources.get((r["provinceKey"], r["wardKey"]), ()):
            source = district_of.get((old_province, old_district))
            if source and source.key == key:  # "xã Mường Chà" was not formed from huyện Mường Chà
                namesakes.setdefault(key, []).append(
                    NamesakeCommune(
                        key, r["wardShort"], (r["wardType"] or "").lower(), new_key[r["provinceKey"]], source.province
                    )
                )
                break

    return AdminMap(
        provinces=provinces,
        districts={k: tuple(v) for k, v in districts.items()},
        provinces_2025=provinces_2025,
        namesake_communes={k: tuple(v) for k, v in namesakes.items()},
        legacy_commune_names=frozenset(name_key(r["wardShort"]) for r in ward_rows),
    )
