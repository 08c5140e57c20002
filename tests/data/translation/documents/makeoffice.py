#!/usr/bin/python3
"""Makes the DOCX and ODT fixtures (guide.docx, guide.odt) with python-docx and odfpy. Run by hand when
the fixtures change; the tests read the committed files."""
import docx
from docx.oxml.ns import qn
from docx.oxml import OxmlElement
from odf.opendocument import OpenDocumentText
from odf.style import Style, TextProperties
from odf import text as odftext
from odf.table import Table, TableColumn, TableRow, TableCell


def make_docx(path):
    d = docx.Document()
    d.add_heading("Lantern user guide", level=1)
    p = d.add_paragraph("Lantern translates your files ")
    p.add_run("on your own computer").bold = True
    p.add_run(". Nothing is sent to a server, and placeholders such as {name} are kept.")
    # Two runs with the same formatting (as Word's revision ids split them): one piece of text.
    p = d.add_paragraph()
    p.add_run("Press the button ")
    p.add_run("to start")
    p.add_run(" and wait.")
    p = d.add_paragraph()
    r = p.add_run("Read the ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), d.part.relate_to("https://example.org/guide",
                                        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                                        is_external=True))
    lr = OxmlElement("w:r")
    lt = OxmlElement("w:t")
    lt.text = "online guide"
    lr.append(lt)
    link.append(lr)
    p._p.append(link)
    p.add_run(" for more.")
    p = d.add_paragraph("First column")
    p.add_run().add_tab()
    p.add_run("second column, ")
    i = p.add_run("in italics")
    i.italic = True
    p.add_run().add_break()
    p.add_run("and a second line.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "Format"
    t.cell(0, 1).text = "Extension"
    t.cell(1, 0).text = "Word document"
    t.cell(1, 1).text = ".docx"
    d.add_paragraph("Fish & chips < 5 €; Übersetzung für 日本語.")
    d.add_paragraph("")
    sec = d.sections[0]
    sec.header.paragraphs[0].text = "Lantern documentation"
    sec.footer.paragraphs[0].text = "Page footer text"
    d.save(path)


def make_odt(path):
    doc = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    doc.text.addElement(odftext.H(outlinelevel=1, text="Lantern user guide"))
    p = odftext.P(text="Lantern translates your files ")
    p.addElement(odftext.Span(stylename=bold, text="on your own computer"))
    p.addText(". Nothing is sent to a server, and placeholders such as {name} are kept.")
    doc.text.addElement(p)
    p = odftext.P(text="Read the ")
    a = odftext.A(href="https://example.org/guide", text="online guide")
    p.addElement(a)
    p.addText(" for more.")
    doc.text.addElement(p)
    p = odftext.P(text="First column")
    p.addElement(odftext.Tab())
    p.addText("second column,")
    p.addElement(odftext.S(c=3))
    p.addText("spaced")
    p.addElement(odftext.LineBreak())
    p.addText("and a second line.")
    doc.text.addElement(p)
    tbl = Table(name="Formats")
    tbl.addElement(TableColumn(numbercolumnsrepeated=2))
    for row in (("Format", "Extension"), ("OpenDocument text", ".odt")):
        tr = TableRow()
        for cell in row:
            tc = TableCell()
            tc.addElement(odftext.P(text=cell))
            tr.addElement(tc)
        tbl.addElement(tr)
    doc.text.addElement(tbl)
    p = odftext.P(text="A sentence with a note")
    note = odftext.Note(id="n1", noteclass="footnote")
    note.addElement(odftext.NoteCitation(text="1"))
    body = odftext.NoteBody()
    body.addElement(odftext.P(text="The footnote's own text."))
    note.addElement(body)
    p.addElement(note)
    p.addText(" in it.")
    doc.text.addElement(p)
    doc.text.addElement(odftext.P(text="Fish & chips < 5 €; Übersetzung für 日本語."))
    doc.save(path)


make_docx("guide.docx")
make_odt("guide.odt")
