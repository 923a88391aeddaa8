"""Writes the workbooks the import tests read, as a team's Excel would save them.

    python3 -m pip install openpyxl && python3 Tests/Fixtures/make_workbooks.py

team.xlsx: the members format on the first sheet (a second sheet is ignored), with what Excel
files hold: shared strings with a comma and a quote, an id typed as a number, join dates as date
cells in a built-in, a custom and a Chinese format (one with a time), an empty row, and on row 6
a tier that does not exist, so that a problem names Excel's row.
"""
import datetime
import os
import re
import zipfile
from xml.sax.saxutils import escape

import openpyxl

def shared_strings(path):
    """Rewrites openpyxl's inline strings as Excel writes text: indexes into xl/sharedStrings.xml."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    texts = []

    def index(match):
        text = match.group(2)
        if text not in texts:
            texts.append(text)
        return '<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), texts.index(text))

    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>', index, sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    items = "".join("<si><t>%s</t></si>" % t for t in texts)
    parts["xl/sharedStrings.xml"] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                                     % (len(texts), len(texts), items)).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>",
        '<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>').encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


here = os.path.dirname(os.path.abspath(__file__))
book = openpyxl.Workbook()
sheet = book.active
sheet.title = "成员"
sheet.append(["id", "name", "sponsor_id", "tier", "joined_at", "status"])
sheet.append(["x1", "欧阳娜娜", "m10", "vip", datetime.date(2026, 11, 1), "active"])
sheet.append([20001, '李, "雷"', "x1", "vip", datetime.datetime(2026, 11, 2, 9, 30), "active"])
sheet.append([])
sheet.append(["x3", "王芳", "x1", "vip", datetime.date(2026, 11, 3), "active"])
sheet["E2"].number_format = "mm-dd-yy"              # built-in format 14
sheet["E3"].number_format = "yyyy-mm-dd hh:mm"      # a custom format with a time
sheet["E5"].number_format = 'yyyy"年"m"月"d"日"'     # a Chinese custom format
other = book.create_sheet("说明")
other.append(["这张表不会被导入"])
book.save(os.path.join(here, "team.xlsx"))
shared_strings(os.path.join(here, "team.xlsx"))

sheet.append(["x4", "赵敏", "x1", "boss", datetime.date(2026, 11, 4), "active"])
book.save(os.path.join(here, "team-bad-row.xlsx"))
