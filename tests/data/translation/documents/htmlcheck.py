#!/usr/bin/python3
"""The HTML test's second opinion: html5lib (the WHATWG parsing algorithm in Python, independent of
gumbo) parses the source and the written file, and the trees must match node for node. Where a
translation may change something (a text people read, alt/title/placeholder/aria-label/label, a submit
button's value, the page description), the written one must be the source's upper-cased, as the test's
stand-in translation does; everything else (tags, other attributes, comments, scripts, styles, <pre>,
<code>, <kbd>, translate="no", class="notranslate", white space inside kept text) must be equal.
Usage: htmlcheck.py SOURCE WRITTEN [LANG [DIR]]; prints a summary, exits 1 with the first difference."""
import re
import sys

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"
KEPT = {"script", "style", "pre", "textarea", "template", "noscript", "svg", "math", "iframe", "object",
        "code", "xmp", "kbd", "samp", "var", "listing", "plaintext"}
META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}


def tag(el):
    return el.tag[len(NS):] if isinstance(el.tag, str) and el.tag.startswith(NS) else el.tag


def collapse(s):
    return re.sub(r"[ \t\n\r\f]+", " ", s).strip()


def readable(el, name):
    t = tag(el)
    if name == "alt":
        return t in ("img", "area", "input")
    if name == "title" or name in ("aria-label", "aria-description"):
        return True
    if name == "placeholder":
        return t in ("input", "textarea")
    if name == "label":
        return t in ("track", "option", "optgroup")
    if name == "value":
        return t == "input" and el.get("type") in ("submit", "button", "reset")
    if name == "content":
        return t == "meta" and (el.get("name") or el.get("property")) in META
    return False


def opted_out(el):
    return el.get("translate") == "no" or "notranslate" in (el.get("class") or "").split()


class Mismatch(Exception):
    pass


counts = {"elements": 0, "changed texts": 0, "kept texts": 0, "changed attributes": 0}


def text(a, b, where, translated):
    if translated:
        if collapse(b) != collapse(a).upper():
            raise Mismatch(f"{where}: text {collapse(b)!r}, expected {collapse(a).upper()!r}")
        counts["changed texts" if collapse(a) else "kept texts"] += 1
    else:
        if a != b:
            raise Mismatch(f"{where}: kept text {b!r} differs from the source's {a!r}")
        counts["kept texts"] += 1


def walk(a, b, where, kept, head, root=False):
    counts["elements"] += 1
    t = tag(a)
    if tag(b) != t:
        raise Mismatch(f"{where}: element <{tag(b)}>, the source has <{t}>")
    here = f"{where}/{t}"
    kept = kept or t in KEPT or opted_out(a) or not isinstance(t, str)
    head = head or t == "head"
    if set(a.attrib) != set(b.attrib) and not root:
        raise Mismatch(f"{here}: attributes {sorted(b.attrib)}, the source's {sorted(a.attrib)}")
    for name, value in a.attrib.items():
        if root:
            continue
        changes = not kept and readable(a, name) and (not head or t == "meta")
        if changes and collapse(b.attrib[name]) == collapse(value).upper():
            counts["changed attributes"] += 1
        elif changes or b.attrib[name] != value:
            raise Mismatch(f"{here}: {name}={b.attrib[name]!r}, the source's {value!r}")
    text(a.text or "", b.text or "", here, not kept and (not head or t == "title"))
    if len(a) != len(b):
        raise Mismatch(f"{here}: {len(b)} children, the source {len(a)}")
    for i, (ca, cb) in enumerate(zip(a, b)):
        walk(ca, cb, f"{here}[{i}]", kept, head)
        # The tail is the text after the child, inside this element.
        text(ca.tail or "", cb.tail or "", f"{here}[{i}] tail", not kept and not head)


def main():
    src, out = (html5lib.parse(open(p, "rb").read(), namespaceHTMLElements=True) for p in sys.argv[1:3])
    try:
        walk(src, out, "", False, False, root=True)
        if len(sys.argv) > 3 and out.get("lang") != sys.argv[3]:
            raise Mismatch(f"<html lang={out.get('lang')!r}>, expected {sys.argv[3]!r}")
        if len(sys.argv) > 4 and out.get("dir") != sys.argv[4]:
            raise Mismatch(f"<html dir={out.get('dir')!r}>, expected {sys.argv[4]!r}")
    except Mismatch as e:
        print(e)
        sys.exit(1)
    print(", ".join(f"{v} {k}" for k, v in counts.items()))


main()
