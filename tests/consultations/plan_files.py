"""Small plans as DOCX and ODT files, built the way word processors write them."""

from __future__ import annotations

import io

import docx
from odf.opendocument import OpenDocumentText
from odf.style import ListLevelProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, List, ListItem, ListLevelStyleNumber, ListStyle, P


def docx_plan(swedish_styles: bool = False) -> bytes:
    """Heading 1 chapters, a Heading 2 subheading, paragraphs, a bullet list, a numbered list
    and a table; text before the first heading."""
    document = docx.Document()
    document.core_properties.title = "Regional kulturplan 2027–2030"
    document.add_paragraph("Förord före första rubriken.")
    heading_1 = "Heading 1"
    if swedish_styles:
        # Swedish Word names the style "Rubrik 1": a custom style of that name, no outline.
        heading_1 = document.styles.add_style("Rubrik 1", 1).name
    document.add_paragraph("Kultur i hela regionen", style=heading_1)
    document.add_paragraph("Regionen vill att kultur finns   i alla kommuner.")
    document.add_heading("Bibliotek", level=2)
    document.add_paragraph("Biblioteken är mötesplatser.")
    document.add_paragraph("Läsfrämjande", style="List Bullet")
    document.add_paragraph("Digital delaktighet", style="List Bullet")
    document.add_paragraph("Efter listan.")
    document.add_paragraph("Dialog", style=heading_1)
    document.add_paragraph("Först", style="List Number")
    document.add_paragraph("Sedan", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Område"
    table.cell(0, 1).text = "Mål"
    table.cell(1, 0).text = "Film"
    table.cell(1, 1).text = "Fler biografer"
    document.add_paragraph("Sista stycket.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_plan() -> bytes:
    """Outline level 1 chapters, a level 2 subheading, paragraphs, a numbered list, a table."""
    document = OpenDocumentText()
    numbered = ListStyle(name="L1")
    numbered.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
    numbered.firstChild.addElement(ListLevelProperties())
    document.automaticstyles.addElement(numbered)
    body = document.text
    body.addElement(P(text="Inledande text."))
    body.addElement(H(outlinelevel=1, text="Kultur i hela regionen"))
    body.addElement(P(text="Regionen vill att kultur finns i alla kommuner."))
    body.addElement(H(outlinelevel=2, text="Bibliotek"))
    body.addElement(P(text="Biblioteken är mötesplatser."))
    items = List(stylename=numbered)
    for text in ("Läsfrämjande", "Digital delaktighet"):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    body.addElement(items)
    body.addElement(H(outlinelevel=1, text="Dialog"))
    table = Table(name="Mål")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (("Område", "Mål"), ("Film", "Fler biografer")):
        row = TableRow()
        for text in cells:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    body.addElement(table)
    body.addElement(P(text="Sista stycket."))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
