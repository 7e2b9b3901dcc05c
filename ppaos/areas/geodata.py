"""Official provinces, districts and subdistricts from the `geothai` package.

Source: GeoThai/data (Department of Provincial Administration codes and names; Thailand Post
postal codes), shipped in the PyPI package geothai 3.2.1, code MIT, data CC BY 4.0.
"""

from collections.abc import Iterator
from typing import NamedTuple

import geothai


class OfficialArea(NamedTuple):
    code: str
    level: str
    parent_code: str | None
    name_th: str
    name_en: str
    postal_code: str


def official_areas() -> Iterator[OfficialArea]:
    """Every current province, district and subdistrict, parents before children."""
    for province in geothai.provinces():
        yield OfficialArea(province.code, "province", None, province.name_th, province.name_en, "")
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            yield OfficialArea(
                district.code, "district", province.code, district.name_th, district.name_en, ""
            )
    for province in geothai.provinces():
        for district in geothai.districts(province.code):
            for sub in geothai.subdistricts(district.code):
                yield OfficialArea(
                    sub.code,
                    "subdistrict",
                    district.code,
                    sub.name_th,
                    sub.name_en,
                    sub.postal_codes[0] if sub.postal_codes else "",
                )


def data_version() -> str:
    return geothai.DATA_VERSION
