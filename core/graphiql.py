"""GraphiQL without the internet: its scripts and styles served by the service itself.

Strawberry's GraphiQL page loads React, GraphiQL and the explorer plugin from a public CDN, so it
stays at "Loading..." on a machine without internet access (an intranet, CI). `fetch_assets`
downloads exactly the files that page names, with the ordinary `npm pack` client, into
`.data/graphiql/<package>@<version>/` and checks each against the page's `integrity` hash;
`offline_html` points the page at them (`/assets/graphiql/...`) when they are there, and leaves
the CDN addresses alone otherwise.

    python -m core.graphiql      # fetch once (idempotent); `make serve` and `make test` call it
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

from core.settings import PROJECT_ROOT

ASSETS_DIR = PROJECT_ROOT / ".data" / "graphiql"
URL_PREFIX = "/assets/graphiql"

# <script src="https://cdn/react@18.2.0/umd/x.js" integrity="sha384-...">: package, version, path.
_ASSET = re.compile(
    r'(?:src|href)="(?P<url>https://[^/"]+/(?P<package>(?:@[^/"@]+/)?[^/"@]+)@(?P<version>[^/"]+)'
    r'/(?P<path>[^"]+))"\s+integrity="(?P<integrity>sha\d+-[^"]+)"'
)


@dataclass(frozen=True)
class Asset:
    """One file the GraphiQL page loads from the CDN."""

    url: str
    package: str
    version: str
    path: str
    integrity: str

    @property
    def local_path(self) -> Path:
        return ASSETS_DIR / f"{self.package}@{self.version}" / self.path

    @property
    def local_url(self) -> str:
        return f"{URL_PREFIX}/{self.package}@{self.version}/{self.path}"


def page_assets(html: str | None = None) -> list[Asset]:
    """The CDN files named by Strawberry's GraphiQL page (with their integrity hashes)."""
    html = html if html is not None else get_graphql_ide_html(graphql_ide="graphiql")
    return [Asset(**match.groupdict()) for match in _ASSET.finditer(html)]


def _sri(data: bytes, integrity: str) -> str:
    algorithm = integrity.split("-", 1)[0]
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def assets_present(assets: list[Asset] | None = None) -> bool:
    """True when every file of the page is available locally."""
    return all(asset.local_path.is_file() for asset in assets or page_assets())


def fetch_assets() -> list[str]:
    """Download the page's files with `npm pack` once; return the packages fetched now.

    Raises:
        RuntimeError: npm is missing, a package cannot be fetched, or a file's hash differs
            from the page's `integrity` attribute.
    """
    assets = page_assets()
    missing = [asset for asset in assets if not asset.local_path.is_file()]
    if not missing:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (Debian: apt-get install npm)")
    fetched: list[str] = []
    for spec in sorted({f"{a.package}@{a.version}" for a in missing}):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [npm, "pack", "--silent", spec],
                cwd=tmp,
                capture_output=True,
                text=True,
                check=False,
            )
            tarballs = list(Path(tmp).glob("*.tgz"))
            if done.returncode != 0 or not tarballs:
                raise RuntimeError(f"npm pack {spec} failed: {done.stderr.strip()[-300:]}")
            with tarfile.open(tarballs[0]) as tar:
                for asset in (a for a in missing if f"{a.package}@{a.version}" == spec):
                    member = tar.extractfile(f"package/{asset.path}")
                    if member is None:
                        raise RuntimeError(f"{spec} has no file {asset.path}")
                    data = member.read()
                    if _sri(data, asset.integrity) != asset.integrity:
                        raise RuntimeError(f"{spec}/{asset.path} does not match its integrity hash")
                    asset.local_path.parent.mkdir(parents=True, exist_ok=True)
                    asset.local_path.write_bytes(data)
        fetched.append(spec)
    return fetched


def offline_html(html: str) -> str:
    """Point the page at the local copies of its files, when all of them are present."""
    assets = page_assets(html)
    if not assets or not assets_present(assets):
        return html
    for asset in assets:
        html = html.replace(asset.url, asset.local_url)
    return html


def routes() -> list[BaseRoute]:
    """`/assets/graphiql/...`: the local copies (an empty folder serves 404s)."""
    ASSETS_DIR.mkdir(parents=True, exist_ok=True)
    return [Mount(URL_PREFIX, StaticFiles(directory=ASSETS_DIR), name="graphiql-assets")]


def main() -> int:
    """Fetch the assets; a failure is a warning (GraphiQL then needs internet access)."""
    try:
        fetched = fetch_assets()
    except (RuntimeError, OSError) as error:
        print(f"GraphiQL assets not fetched ({error}); GraphiQL will load them from its CDN.")
        return 0
    if fetched:
        print(f"GraphiQL assets fetched into {ASSETS_DIR}: {', '.join(fetched)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
