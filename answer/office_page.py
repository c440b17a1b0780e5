"""A Word document set up as Vietnamese offices expect (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4 portrait,
margins top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm, Times New Roman 13-14 in every style,
black headings, and a quotation style that is indented and ruled, not italic.

    doc = a4_document()          # python-docx Document with the page and styles set
    doc.add_paragraph(text, style=QUOTE)

python-docx's default template is US Letter, Calibri through theme fonts (a theme font overrides a named
one, so the theme attributes are removed, not just a font name set), blue headings, and an italic "Quote"."""
from __future__ import annotations

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT = 13            # Nghị định 30: body text 13-14
HEADING_PT = {"Title": 14, "Heading 1": 14, "Heading 2": 13, "Heading 3": 13}
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}   # the lower end of each range
A4_MM = (210, 297)
QUOTE = "Trích dẫn"
SOURCE = "Nguồn trích"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_font(rpr_owner, name: str = FONT) -> None:
    """Name the font for every script (ASCII, Vietnamese letters, East Asian, complex) and drop theme fonts."""
    _name_fonts(rpr_owner.get_or_add_rPr(), name)


def _defaults(doc) -> None:
    """docDefaults: the base every style inherits from, theme fonts included."""
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _name_fonts(rpr_default.find(qn("w:rPr")), FONT)


def _name_fonts(rpr, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style(doc, name: str, size: int, bold: bool | None = None, italic: bool = False):
    style = doc.styles[name]
    set_font(style.element)
    style.font.size = Pt(size)
    style.font.italic = italic
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    return style


def _left_rule(style) -> None:
    """A thin rule down the left of a quotation, as in printed dossiers."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "8"), ("w:color", "808080")):
        left.set(qn(key), value)
    borders.append(left)
    ppr.append(borders)


def a4_document():
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    _defaults(doc)
    normal = _style(doc, "Normal", BODY_PT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE   # Nghị định 30: single to 1.5 lines
    normal.paragraph_format.space_after = Pt(6)
    for name, size in HEADING_PT.items():
        _style(doc, name, size, bold=True)
    for name in ("List Bullet", "List Number"):
        _style(doc, name, BODY_PT)
    quote = doc.styles.add_style(QUOTE, WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = normal
    _style(doc, QUOTE, BODY_PT)
    quote.paragraph_format.left_indent = Mm(8)
    quote.paragraph_format.space_after = Pt(3)
    _left_rule(quote)
    source = doc.styles.add_style(SOURCE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = normal
    _style(doc, SOURCE, BODY_PT, italic=True)
    source.paragraph_format.space_after = Pt(10)
    return doc
