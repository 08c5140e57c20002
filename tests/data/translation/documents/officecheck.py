#!/usr/bin/python3
"""The DOCX/ODT test's second opinion: python-docx and odfpy (independent of Lantern's zip and XML code)
open the source and the written file. Every paragraph (body, table cells, headers and footers) must read
as the source's with ASCII letters upper-cased (the test's stand-in translation), and every character
must keep its formatting: bold, italics and hyperlink in DOCX, the span style and link in ODT.
Usage: officecheck.py docx|odt SOURCE WRITTEN; prints a summary, exits 1 at the first difference."""
import sys


def up(s):
    return "".join(c.upper() if c.isascii() else c for c in s)


def docx_paragraphs(path):
    import docx
    from docx.oxml.ns import qn
    d = docx.Document(path)
    paras = list(d.paragraphs)
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                paras.extend(cell.paragraphs)
    for s in d.sections:
        paras.extend(s.header.paragraphs)
        paras.extend(s.footer.paragraphs)
    out = []
    for p in paras:
        chars = []  # (character, bold, italic, in a hyperlink)
        for child in p._p.iterchildren():
            runs = [child] if child.tag == qn("w:r") else list(child.iter(qn("w:r"))) if child.tag == qn("w:hyperlink") else []
            link = child.tag == qn("w:hyperlink")
            for r in runs:
                rpr = r.find(qn("w:rPr"))
                bold = rpr is not None and rpr.find(qn("w:b")) is not None
                italic = rpr is not None and rpr.find(qn("w:i")) is not None
                for e in r:
                    if e.tag == qn("w:t"):
                        chars.extend((c, bold, italic, link) for c in (e.text or ""))
                    elif e.tag == qn("w:tab"):
                        chars.append(("\t", bold, italic, link))
                    elif e.tag == qn("w:br"):
                        chars.append(("\n", bold, italic, link))
        out.append(chars)
    return out


def odt_paragraphs(path):
    from odf import opendocument, teletype, text
    doc = opendocument.load(path)
    out = []
    for p in doc.getElementsByType(text.P) + doc.getElementsByType(text.H):
        chars = []

        def walk(node, style, link):
            for child in node.childNodes:
                if child.nodeType == child.TEXT_NODE:
                    chars.extend((c, style, link) for c in str(child.data))
                elif child.qname[1] == "span":
                    walk(child, child.getAttribute("stylename"), link)
                elif child.qname[1] == "a":
                    walk(child, style, child.getAttribute("href"))
                elif child.qname[1] in ("s", "tab", "line-break"):
                    chars.extend((c, style, link) for c in teletype.extractText(child))
                elif child.qname[1] == "note":
                    chars.append(("[note]", style, link))  # its paragraphs are checked as paragraphs
        walk(p, None, None)
        out.append(chars)
    return out


def main():
    kind, src, out = sys.argv[1:4]
    read = docx_paragraphs if kind == "docx" else odt_paragraphs
    a, b = read(src), read(out)
    if len(a) != len(b):
        print(f"{len(b)} paragraphs, the source has {len(a)}")
        sys.exit(1)
    chars = 0
    for i, (pa, pb) in enumerate(zip(a, b)):
        expected = [(c[0] if c[0] == "[note]" else up(c[0]),) + tuple(c[1:]) for c in pa]
        if "".join(c[0] for c in pb) != "".join(c[0] for c in expected):
            print(f"paragraph {i + 1}: {''.join(c[0] for c in pb)!r}, expected {''.join(c[0] for c in expected)!r}")
            sys.exit(1)
        if pb != expected:
            k = next(k for k in range(len(pb)) if pb[k] != expected[k])
            print(f"paragraph {i + 1}, character {k + 1} ({pb[k][0]!r}): formatting {pb[k][1:]}, expected {expected[k][1:]}")
            sys.exit(1)
        chars += len(pb)
    print(f"{len(a)} paragraphs, {chars} characters with their formatting")


main()
