"""The choropleth map: the shared boundary shapes (one GeoJSON per province) drawn as SVG paths.

Projection as the boundary README gives it: equirectangular, x scaled by the cosine of the middle
latitude, fitted to a box WIDTH wide. Paths are cached per (province, layer) in the process: the
files are read once. Coordinates rounded to 0.1 px (the shapes are already simplified for 800 px).
"""

import json
import math
from functools import lru_cache
from pathlib import Path

from django.conf import settings

WIDTH = 800
ATTRIBUTION = (
    "Administrative boundaries: COD-AB Thailand, Royal Thai Survey Department, "
    "via OCHA HDX (CC BY-IGO); converted by prasertcbs/thailand_gis; simplified."
)


def boundaries_dir() -> Path:
    return Path(settings.BOUNDARIES_DIR)


@lru_cache(maxsize=32)
def _province(code: str) -> dict | None:
    path = boundaries_dir() / f"{code}.geojson"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=256)
def shapes(parent_code: str) -> tuple[int, tuple[tuple[str, str], ...]] | None:
    """(height, ((code, SVG path), …)) of the areas one level below `parent_code` (a province
    → its districts; a district → its subdistricts), fitted to the box; None without shapes."""
    data = _province(parent_code[:2])
    if data is None or len(parent_code) not in (2, 4):
        return None
    level = "district" if len(parent_code) == 2 else "subdistrict"
    features = [
        f for f in data["features"]
        if f["properties"]["level"] == level and f["properties"]["code"].startswith(parent_code)
    ]  # fmt: skip
    if not features:
        return None
    rings = [(f["properties"]["code"], list(_rings(f["geometry"]))) for f in features]
    lons = [p[0] for _, rs in rings for r in rs for p in r]
    lats = [p[1] for _, rs in rings for r in rs for p in r]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = WIDTH / (((max_lon - min_lon) * k) or 1)
    height = round((max_lat - min_lat) * scale) or 1
    out = []
    for code, rs in rings:
        parts = []
        for ring in rs:
            points = " ".join(
                f"{(lon - min_lon) * k * scale:.1f},{(max_lat - lat) * scale:.1f}"
                for lon, lat in ring
            )
            parts.append(f"M{points}Z")
        out.append((code, "".join(parts)))
    return height, tuple(out)


def _rings(geometry):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
