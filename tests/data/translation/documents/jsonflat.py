#!/usr/bin/python3
"""The JSON test's second opinion: Python's json module (independent of RapidJSON) reads a file and
prints every value as [path, type, value] in document order, paths written as Lantern names its units
("app.menu.file", "steps[0]"). Usage: jsonflat.py FILE."""
import json
import sys


class Members(list):
    pass


def flat(value, path, out):
    if isinstance(value, Members):  # an object, members in order (duplicates kept)
        if not value:
            out.append([path, "object", None])
        for key, member in value:
            flat(member, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        if value == []:
            out.append([path, "array", None])
        for i, member in enumerate(value):
            flat(member, f"{path}[{i}]", out)
    else:
        out.append([path, type(value).__name__, value])


with open(sys.argv[1], encoding="utf-8-sig") as f:
    tree = json.load(f, object_pairs_hook=Members)
out = []
flat(tree, "", out)
print(json.dumps(out, ensure_ascii=False))
