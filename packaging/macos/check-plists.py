#!/usr/bin/env python3
"""Checks Lantern.app's property lists with plistlib (the parser macOS's own format follows).

  check-plists.py --info Info.plist --version 0.1.0 --app-id io.github.lanternapp.Lantern
                  [--entitlements lantern.entitlements] [--bundle Lantern.app]

--info: the keys Finder, Launch Services and notarization read are present with the right types, the
versions equal --version (project()'s), the identifier equals --app-id. --entitlements: a dictionary of
booleans without hardened-runtime exceptions Lantern must not ask for (see lantern.entitlements).
--bundle (in the macOS CI job): the executable and the icon the plist names exist in the bundle.
Used by the package_macos test (tests/packaging/macos.cmake) and by .github/workflows/macos.yml.
Exit status 1 with one line per problem.
"""
import argparse
import os
import plistlib
import re
import sys

REQUIRED = {
    "CFBundleDisplayName": str, "CFBundleExecutable": str, "CFBundleIconFile": str,
    "CFBundleIdentifier": str, "CFBundleInfoDictionaryVersion": str, "CFBundleName": str,
    "CFBundlePackageType": str, "CFBundleShortVersionString": str, "CFBundleVersion": str,
    "LSMinimumSystemVersion": str, "NSHighResolutionCapable": bool, "NSHumanReadableCopyright": str,
}
FORBIDDEN_ENTITLEMENTS = {
    "com.apple.security.cs.allow-jit",
    "com.apple.security.cs.allow-unsigned-executable-memory",
    "com.apple.security.cs.disable-executable-page-protection",
    "com.apple.security.cs.disable-library-validation",
    "com.apple.security.cs.allow-dyld-environment-variables",
    "com.apple.security.get-task-allow",
    "com.apple.security.network.client",
    "com.apple.security.network.server",
}


def load(path, problems):
    try:
        with open(path, "rb") as f:
            return plistlib.load(f)
    except Exception as e:  # OSError, plistlib.InvalidFileException, xml.parsers.expat.ExpatError
        problems.append(f"{path}: not a property list: {e}")
    return None


def load_dict(path, problems):
    """The plist at PATH if it parses and is a dictionary, else None (with the reason in PROBLEMS)."""
    data = load(path, problems)
    if data is not None and not isinstance(data, dict):
        problems.append(f"{path}: top level is {type(data).__name__}, not a dictionary")
        return None
    return data


def check_info(path, version, app_id, bundle, problems):
    info = load_dict(path, problems)
    if info is None:
        return
    for key, kind in REQUIRED.items():
        if key not in info:
            problems.append(f"{path}: {key} is missing")
        elif not isinstance(info[key], kind):
            problems.append(f"{path}: {key} is {type(info[key]).__name__}, expected {kind.__name__}")
    leftovers = [k for k, v in info.items() if isinstance(v, str) and re.search(r"@\w+@|\$\{\w+\}", v)]
    problems.extend(f"{path}: {k} was not configured: {info[k]}" for k in leftovers)
    for key in ("CFBundleShortVersionString", "CFBundleVersion"):
        if info.get(key) != version:
            problems.append(f"{path}: {key} is {info.get(key)!r}, project() says {version!r}")
    if info.get("CFBundleIdentifier") != app_id:
        problems.append(f"{path}: CFBundleIdentifier is {info.get('CFBundleIdentifier')!r}, expected {app_id!r}")
    if info.get("CFBundlePackageType") != "APPL":
        problems.append(f"{path}: CFBundlePackageType is {info.get('CFBundlePackageType')!r}, expected 'APPL'")
    if info.get("NSHighResolutionCapable") is not True:
        problems.append(f"{path}: NSHighResolutionCapable must be true (else Retina screens get a blurry window)")
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", str(info.get("LSMinimumSystemVersion", ""))):
        problems.append(f"{path}: LSMinimumSystemVersion {info.get('LSMinimumSystemVersion')!r} is not a version")
    if bundle:
        exe = os.path.join(bundle, "Contents", "MacOS", str(info.get("CFBundleExecutable")))
        icon = os.path.join(bundle, "Contents", "Resources", str(info.get("CFBundleIconFile")))
        for what, f in (("executable", exe), ("icon", icon)):
            if not os.path.isfile(f):
                problems.append(f"{bundle}: the {what} the plist names is missing: {f}")


def check_entitlements(path, problems):
    ent = load_dict(path, problems)
    if ent is None:
        return
    for key, value in ent.items():
        if key in FORBIDDEN_ENTITLEMENTS:
            problems.append(f"{path}: {key} is an exception Lantern must not ask for")
        elif not key.startswith("com.apple."):
            problems.append(f"{path}: {key} is not an Apple entitlement")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--info")
    ap.add_argument("--version")
    ap.add_argument("--app-id", default="io.github.lanternapp.Lantern")
    ap.add_argument("--entitlements")
    ap.add_argument("--bundle")
    args = ap.parse_args()
    problems = []
    if args.info:
        if not args.version:
            ap.error("--info needs --version")
        check_info(args.info, args.version, args.app_id, args.bundle, problems)
    if args.entitlements:
        check_entitlements(args.entitlements, problems)
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print("ok:", ", ".join(f for f in (args.info, args.entitlements) if f))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
