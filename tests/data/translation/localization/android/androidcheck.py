#!/usr/bin/python3
"""Independent reading of an Android strings.xml for tests/translation/formats/androidtest.cpp: every
string's value as Android sees it, decoded by translate-toolkit's Android resource storage (its unescape:
\\' \\" \\n \\@ \\uXXXX, "..." quoting, white space collapsed).

Prints JSON {id: value} with ids as Lantern names them (name, name#product, array[i]); a plural's value
is {quantity: value}. Needs translate-toolkit (Debian: translate-toolkit) and lxml.
"""
import json
import sys

from lxml import etree
from translate.storage import aresource


def main(path):
    decoder = aresource.AndroidResourceUnit("x")
    root = etree.parse(path).getroot()
    out = {}
    for e in root:
        if not isinstance(e.tag, str):
            continue  # comments
        name = e.get("name")
        if e.get("product"):
            name += "#" + e.get("product")
        if e.tag == "string":
            out[name] = decoder.get_xml_text_value(e)
        elif e.tag == "plurals":
            out[name] = {i.get("quantity"): decoder.get_xml_text_value(i) for i in e if i.tag == "item"}
        elif e.tag == "string-array":
            for k, i in enumerate(x for x in e if x.tag == "item"):
                out["%s[%d]" % (name, k)] = decoder.get_xml_text_value(i)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
