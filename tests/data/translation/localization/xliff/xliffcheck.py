#!/usr/bin/env python3
"""Independent reading of an XLIFF 1.2 / 2.x file for tests/translation/formats/xlifftest.cpp.

Prints JSON: {"version", "target_language", "units": {id: {...}}}; per trans-unit (1.2) or segment (2.x):
  state, approved: the attributes as written (null when absent)
  target: the target's text (itertext), or null without a <target>
  upper_of_source: true when the target is the source with its text upper-cased and every inline code
                   (element, attributes, native content of ph/bpt/ept/it) kept exactly
Ids as Lantern names them: 2.x segments of a unit with several segments are "unit#segment".
"""
import json
import sys
import xml.etree.ElementTree as ET

# Elements whose content is native code (kept verbatim), not translatable text.
CODES = {"x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "cp", "sm", "em"}


def local(tag):
    return tag.split("}", 1)[-1]


def shape(element, transform):
    """The element's content as a list: text (transformed outside codes) and (tag, attributes, content)."""
    out = []
    if element.text:
        out.append(transform(element.text))
    for child in element:
        inner = shape(child, (lambda s: s) if local(child.tag) in CODES else transform)
        out.append((local(child.tag), sorted(child.attrib.items()), inner))
        if child.tail:
            out.append(transform(child.tail))
    return out


def entry(source, target, state, approved):
    return {
        "state": state,
        "approved": approved,
        "target": None if target is None else "".join(target.itertext()),
        "upper_of_source": target is not None and shape(target, str) == shape(source, str.upper),
    }


def main(path):
    root = ET.parse(path).getroot()
    version = root.get("version", "")
    two = version.startswith("2")
    units = {}
    if two:
        for unit in root.iter():
            if local(unit.tag) != "unit":
                continue
            segments = [s for s in unit if local(s.tag) == "segment"]
            for i, seg in enumerate(segments):
                source = next(c for c in seg if local(c.tag) == "source")
                target = next((c for c in seg if local(c.tag) == "target"), None)
                key = unit.get("id") if len(segments) == 1 else "%s#%s" % (unit.get("id"), seg.get("id") or i + 1)
                units[key] = entry(source, target, seg.get("state"), None)
        language = root.get("trgLang")
    else:
        language = None
        for file in root:
            if local(file.tag) != "file":
                continue
            language = file.get("target-language")
            for tu in file.iter():
                if local(tu.tag) != "trans-unit":
                    continue
                source = next(c for c in tu if local(c.tag) == "source")
                target = next((c for c in tu if local(c.tag) == "target"), None)
                units[tu.get("id")] = entry(source, target, None if target is None else target.get("state"),
                                            tu.get("approved"))
    json.dump({"version": version, "target_language": language, "units": units}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
