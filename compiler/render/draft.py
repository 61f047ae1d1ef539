"""The 草稿 mark: a document written from figures that did not pass the check says so on every page.

Word: a red line in the page header (odd and even pages) and a large grey
diagonal 草稿 watermark behind the text (a VML text shape, as Word's own
watermark, which LibreOffice also draws in the PDF). HTML: a banner at the
top of the page, and in the top margin of every printed page. Honest output is a
promise of the project: the callers decide *whether* (any error in the
report), this module only decides *how*.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

#: The mark itself (the watermark word).
DRAFT_MARK = "草稿"
#: The line at the top of every page.
DRAFT_NOTE = "草稿：本文档含有未通过核查的数字，仅供核对，不得作为正式报告发布"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def header_xml(font: str, *, note: str = DRAFT_NOTE) -> str:
    """A page header holding the red draft line and the diagonal watermark (``w:hdr``)."""
    rpr = (
        f'<w:rPr><w:rFonts w:ascii="{escape(font)}" w:hAnsi="{escape(font)}" w:eastAsia="{escape(font)}"/>'
        '<w:b/><w:color w:val="C00000"/><w:sz w:val="24"/><w:szCs w:val="24"/>'
        '<w:lang w:eastAsia="zh-CN"/></w:rPr>'
    )
    watermark = (
        '<w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        '<v:shape id="NianbaoDraftWatermark" o:spid="_x0000_s1025" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:400pt;height:160pt;rotation:315;'
        "z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        'mso-position-vertical:center;mso-position-vertical-relative:margin" fillcolor="#bfbfbf" stroked="f">'
        '<v:fill opacity=".45"/>'
        f'<v:textpath style="font-family:&quot;{escape(font)}&quot;;font-size:1pt" string="{DRAFT_MARK}"/>'
        "</v:shape></w:pict></w:r>"
    )
    return (
        f'<w:hdr xmlns:w="{_W}" xmlns:v="{_V}" xmlns:o="{_O}" xmlns:r="{_R}">'
        '<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>'
        f"<w:r>{rpr}<w:t>{escape(note)}</w:t></w:r>{watermark}</w:p></w:hdr>"
    )


#: CSS of the HTML banner: at the top of the page on screen and on the first printed page, and in the top margin
#: of every printed page (CSS page-margin box; Chromium-based browsers, which most offices use).
BANNER_CSS = (
    """
.draft-banner { background: #c00000; color: #fff; font-weight: bold; text-align: center; padding: 0.4em 1em;
  letter-spacing: 0.1em; }
body.draft main { background-image: repeating-linear-gradient(-45deg, transparent 0 12em, rgba(192,0,0,0.04) 12em 13em); }
@page { @top-center { content: "DRAFT_NOTE"; color: #c00000; font-weight: bold; font-size: 12pt; } }
@media print {
  .draft-banner { background: none; color: #c00000; border-bottom: 1px solid #c00000; padding: 0 0 0.3em;
    margin-bottom: 1em; font-size: 12pt; }
}
""".replace("DRAFT_NOTE", DRAFT_NOTE)
).strip()


def banner_html(note: str = DRAFT_NOTE) -> str:
    """The banner element placed first in ``<body>``."""
    return f'<div class="draft-banner" role="alert">{escape(note)}</div>'
