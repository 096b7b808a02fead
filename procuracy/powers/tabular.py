"""Power lists as spreadsheets: the columns procuratorates keep their lists in, read into items
and written back, as XLSX or as CSV (UTF-8 with a byte-order mark, so that Excel shows the
Chinese).

The headers and the words in the cells are the format itself, in Chinese whatever the reader's
language (docs/powers.md, "Spreadsheet columns"); the English codes are accepted as well.
Reading checks every cell and reports every problem at once, each with its row; whether the
items stand together (overlaps, loops) is `checks.problems`, which drafting a version runs.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from procuracy.organisation.models import BusinessLine
from procuracy.powers.checks import ItemFields
from procuracy.powers.models import Flag, Holder, Matter, Power
from procuracy.powers.services import ListProblems

FORMATS = ("csv", "xlsx")
HEADER_SCAN = 10  # rows above the header (a title, a date) that reading skips
MAX_AMOUNT = Decimal("1e14")  # Item.min_amount/max_amount: 16 digits, 2 of them decimals
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    width: int  # in Excel's character units
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("序号", "number", 6, required=True),
    Column("编号", "code", 10, required=True),
    Column("业务条线", "business_line", 14, aliases=("条线",)),
    Column("案件类型", "case_types", 14, aliases=("案件类别",)),
    Column("事项", "matter", 24, required=True, aliases=("权力事项", "办案事项")),
    Column("权力主体", "holder", 12, required=True, aliases=("行使主体",)),
    Column("权力类型", "power", 10, required=True),
    Column("适用情形(任一)", "when_any", 22, aliases=("适用情形",)),
    Column("除外情形", "unless", 22),
    Column("涉案金额下限(元)", "min_amount", 16, aliases=("涉案金额下限",)),
    Column("涉案金额上限(元,不含)", "max_amount", 18, aliases=("涉案金额上限",)),
    Column("依据", "legal_basis", 50, aliases=("法律依据",)),
    Column("备注", "note", 40, aliases=("说明",)),
)
WRAPPED = {"legal_basis", "note"}

# What people type besides the labels and codes.
HOLDER_WORDS = {
    "独任检察官": Holder.PROSECUTOR,
    "承办检察官": Holder.PROSECUTOR,
    "员额检察官": Holder.PROSECUTOR,
    "业务部门负责人": Holder.DEPARTMENT_HEAD,
    "业务机构负责人": Holder.DEPARTMENT_HEAD,
    "分管副检察长": Holder.DEPUTY_CHIEF,
    "检委会": Holder.COMMITTEE,
}
FLAG_WORDS = {
    "社会影响": Flag.SOCIAL_IMPACT,
    "重大社会影响": Flag.SOCIAL_IMPACT,
    "人大代表": Flag.NPC_DEPUTY,
    "政协委员": Flag.CPPCC_MEMBER,
    "未成年人": Flag.MINOR,
}
ALL_LINES = {"全部", "全部条线", "全部业务", "所有"}
NOTHING = {"无", "-", "—", "/"}
SEPARATORS = re.compile(r"[、,;\s]+")  # after NFKC, which turns ，；into , ;


def key(text: str) -> str:
    """How a header or a label is compared: full-width forms folded, spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def source_of(name) -> str:
    """A version's source when it was imported from the file `name`."""
    return (_("导入:%(name)s") % {"name": Path(str(name)).name})[:200]


def format_of(name) -> str:
    """The format a file's name says: .csv or .xlsx."""
    suffix = Path(str(name)).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(_("无法从文件名判断格式:%(name)s(应为 .csv 或 .xlsx)。") % {"name": name})
    return suffix


# ---- reading -------------------------------------------------------------------------------


def read(path_or_file, format: str | None = None) -> list[ItemFields]:
    """The items of a spreadsheet, each with `.row` set to its row. Raises ListProblems with
    every bad cell, row by row, if any."""
    format = format or format_of(getattr(path_or_file, "name", path_or_file))
    try:
        sheets = _xlsx_sheets(path_or_file) if format == "xlsx" else [_csv_rows(path_or_file)]
    except _Unreadable as unreadable:
        raise ListProblems([str(unreadable)]) from None
    reader = _Reader()
    items = reader.read(sheets)
    if reader.reasons:
        raise ListProblems(reader.reasons)
    return items


class _Unreadable(Exception):
    pass


def _xlsx_sheets(path_or_file) -> list[list[tuple]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path_or_file, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        raise _Unreadable(
            _("无法读取 XLSX 文件:%(error)s") % {"error": str(error) or type(error).__name__}
        ) from None
    sheets = []
    for sheet in book.worksheets:
        _unmerge(sheet)
        sheets.append(list(sheet.iter_rows(values_only=True)))
    return sheets


def _unmerge(sheet) -> None:
    """Lists often merge a column's cells over a group of rows (业务条线, 事项): every row of
    the group has the value."""
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(merged.min_row, merged.min_col).value
        sheet.unmerge_cells(str(merged))
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                sheet.cell(row, col).value = value


def _csv_rows(path_or_file) -> list[tuple]:
    readable = hasattr(path_or_file, "read")
    data = path_or_file.read() if readable else Path(path_or_file).read_bytes()
    if isinstance(data, bytes):
        data = _decode(data)
    return [tuple(row) for row in csv.reader(io.StringIO(data.lstrip("\ufeff")))]


def _decode(data: bytes) -> str:
    """UTF-8 as we write it; GB18030 as Excel on a Chinese Windows saves "CSV"."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _Unreadable(_("无法识别 CSV 文件的编码,请另存为“CSV UTF-8”。"))


class _Reader:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        with translation.override(None):  # the Chinese labels, whatever the reader's language
            self.holders = _table(Holder.choices, HOLDER_WORDS)
            self.powers = _table(Power.choices, {})
            self.flags = _table(Flag.choices, FLAG_WORDS)
            self.holder_labels = [str(label) for _v, label in Holder.choices]
            self.power_labels = [str(label) for _v, label in Power.choices]
            self.flag_labels = [str(label) for _v, label in Flag.choices]
        lines = list(BusinessLine.objects.order_by("number"))
        self.lines = {key(k): line for line in lines for k in (line.name, line.code)}
        self.line_names = [line.name for line in lines]
        matters = list(Matter.objects.order_by("number"))
        self.matters = {key(k): matter for matter in matters for k in (matter.name, matter.code)}
        self.matter_names = [matter.name for matter in matters]

    def read(self, sheets: Iterable[list[tuple]]) -> list[ItemFields]:
        for rows in sheets:
            found = _header(rows)
            if found is not None:
                at, header = found
                columns = self.columns(at + 1, header)
                if columns is None:
                    return []
                return self.items(rows, at + 1, columns)
        names = "、".join(c.header for c in COLUMNS if c.required)
        self.reasons.append(_("找不到表头行:表头应包含%(names)s等列。") % {"names": names})
        return []

    def columns(self, row: int, header: tuple) -> dict[str, int] | None:
        """Which position holds which field; None when a column is missing or repeated."""
        known = {key(n): c for c in COLUMNS for n in (c.header, c.field, *c.aliases)}
        where: dict[str, int] = {}
        broken = False
        for position, cell in enumerate(header):
            text = _text(cell)
            if not text:
                continue
            column = known.get(key(text))
            if column is None:
                self.reasons.append(
                    _("第 %(row)s 行:不认识的列“%(name)s”(第 %(col)s 列)。")
                    % {"row": row, "name": text, "col": _letter(position)}
                )
            elif column.field in where:
                broken = True
                self.reasons.append(
                    _("第 %(row)s 行:列“%(name)s”出现两次(第 %(a)s 列和第 %(b)s 列)。")
                    % {
                        "row": row,
                        "name": column.header,
                        "a": _letter(where[column.field]),
                        "b": _letter(position),
                    }
                )
            else:
                where[column.field] = position
        for column in COLUMNS:
            if column.required and column.field not in where:
                broken = True
                self.reasons.append(_("缺少“%(name)s”列。") % {"name": column.header})
        return None if broken else where

    def items(self, rows: list[tuple], first: int, where: dict[str, int]) -> list[ItemFields]:
        items = []
        for number, row in enumerate(rows[first:], start=first + 1):
            cells = {field: row[i] if i < len(row) else None for field, i in where.items()}
            if not any(_text(value) for value in cells.values()):
                continue
            item = _Row(self, number, cells).item()
            if item is not None:
                items.append(item)
        return items


def _table(choices, words: dict) -> dict[str, str]:
    table = {key(str(label)): value for value, label in choices}
    table.update({key(value): value for value, _label in choices})
    table.update({key(word): value for word, value in words.items()})
    return table


def _header(rows: list[tuple]) -> tuple[int, tuple] | None:
    """The first row (of the first few) that names at least two known columns."""
    names = {key(n) for c in COLUMNS for n in (c.header, c.field, *c.aliases)}
    for at, row in enumerate(rows[:HEADER_SCAN]):
        if sum(1 for cell in row if key(_text(cell)) in names) >= 2:
            return at, row
    return None


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Row:
    """One row's cells, turned into an ItemFields; each bad cell adds its reason."""

    def __init__(self, reader: _Reader, row: int, cells: dict):
        self.reader = reader
        self.row = row
        self.cells = cells
        self.broken = False

    def problem(self, message: str, **values) -> None:
        self.broken = True
        text = message % values if values else message
        self.reader.reasons.append(
            _("第 %(row)s 行:%(problem)s") % {"row": self.row, "problem": text}
        )

    def text(self, field: str) -> str:
        return _text(self.cells.get(field))

    def item(self) -> ItemFields | None:
        r = self.reader
        fields = {
            "number": self.number(),
            "code": self.code(),
            "business_line": self.line(),
            "case_types": self.words("case_types"),
            "matter": self.matter(),
            "holder": self.choice("holder", _("权力主体"), r.holders, r.holder_labels),
            "power": self.choice("power", _("权力类型"), r.powers, r.power_labels),
            "when_any": self.flags("when_any", _("适用情形")),
            "unless": self.flags("unless", _("除外情形")),
            "min_amount": self.amount("min_amount", _("涉案金额下限")),
            "max_amount": self.amount("max_amount", _("涉案金额上限")),
            "legal_basis": self.limited("legal_basis", _("依据"), 200),
            "note": self.limited("note", _("备注"), 300),
        }
        if self.broken:
            return None
        return ItemFields(row=self.row, **fields)

    def required(self, field: str, name: str) -> str:
        text = self.text(field)
        if not text:
            self.problem(_("“%(name)s”不能为空。"), name=name)
        return text

    def number(self) -> int:
        value = self.cells.get("number")
        text = self.required("number", _("序号"))
        if not text:
            return 0
        if isinstance(value, int | float) and not isinstance(value, bool):
            ok = float(value).is_integer() and value >= 1
        else:
            ok = text.isdecimal() and int(text) >= 1
        if not ok:
            self.problem(_("序号“%(value)s”应为正整数。"), value=text)
            return 0
        return int(float(text))

    def code(self) -> str:
        text = self.required("code", _("编号"))
        if len(text) > 24:
            self.problem(_("编号“%(value)s”超过 24 个字符。"), value=text)
        return text

    def line(self):
        text = self.text("business_line")
        if not text or key(text) in ALL_LINES:
            return None
        found = self.reader.lines.get(key(text))
        if found is None:
            self.problem(
                _("业务条线“%(value)s”不存在,应为%(names)s之一(空白表示全部条线)。%(hint)s"),
                value=text,
                names="、".join(self.reader.line_names),
                hint=_hint(text, self.reader.line_names),
            )
        return found

    def matter(self):
        text = self.required("matter", _("事项"))
        if not text:
            return None
        found = self.reader.matters.get(key(text))
        if found is None:
            self.problem(
                _("事项“%(value)s”不在事项目录中,应填写目录中的名称或代码。%(hint)s"),
                value=text,
                hint=_hint(text, self.reader.matter_names),
            )
        return found

    def choice(self, field: str, name: str, table: dict, labels: list[str]) -> str:
        text = self.required(field, name)
        if not text:
            return ""
        found = table.get(key(text))
        if found is None:
            self.problem(
                _("%(name)s“%(value)s”不存在,应为%(labels)s之一。"),
                name=name,
                value=text,
                labels="、".join(labels),
            )
            return ""
        return found

    def words(self, field: str) -> list[str]:
        text = unicodedata.normalize("NFKC", self.text(field))
        if text in NOTHING:
            return []
        return list(dict.fromkeys(w for w in SEPARATORS.split(text) if w))

    def flags(self, field: str, name: str) -> list[str]:
        found: list[str] = []
        for word in self.words(field):
            flags = _flags_in(word, self.reader.flags)
            if flags is None:
                self.problem(
                    _("%(name)s“%(value)s”无法识别,应为%(labels)s之一(多个以顿号分隔)。"),
                    name=name,
                    value=word,
                    labels="、".join(self.reader.flag_labels),
                )
            else:
                found.extend(f for f in flags if f not in found)
        return found

    def amount(self, field: str, name: str) -> Decimal | None:
        value = self.cells.get(field)
        text = self.text(field)
        if not text or text in NOTHING:
            return None
        amount = _amount(value)
        if amount is None:
            self.problem(_("%(name)s“%(value)s”不是有效的金额。"), name=name, value=text)
        return amount

    def limited(self, field: str, name: str, limit: int) -> str:
        text = self.text(field)
        if len(text) > limit:
            self.problem(_("%(name)s超过 %(limit)s 个字。"), name=name, limit=limit)
        return text


def _hint(text: str, names: list[str]) -> str:
    close = difflib.get_close_matches(text, names, n=1, cutoff=0.5)
    return _("是否是“%(name)s”?") % {"name": close[0]} if close else ""


def _flags_in(word: str, table: dict[str, str]) -> list[str] | None:
    """The flags in one word: a label or a code, or labels written together (重大疑难复杂)."""
    word = key(word).removesuffix("案件").removesuffix("的")
    if word in table:
        return [table[word]]
    names = sorted((k for k in table if not k.isascii()), key=len, reverse=True)
    found, at = [], 0
    while at < len(word):
        name = next((n for n in names if word.startswith(n, at)), None)
        if name is None:
            return None
        found.append(table[name])
        at += len(name)
    return found or None


def _amount(value) -> Decimal | None:
    """A sum of money in yuan: a number, or text such as 5,000,000 / 500万 / 500万元."""
    try:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | Decimal):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))
        else:
            text = key(str(value)).replace(",", "").removesuffix("元")
            scale = 1
            for unit, size in (("万", 10_000), ("亿", 100_000_000)):
                if text.endswith(unit):
                    text, scale = text[: -len(unit)], size
            amount = Decimal(text) * scale
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        return None
    if amount != amount.quantize(CENT):
        return None
    return amount


# ---- one value at a time (the command line's --matter, --flags, --line) ------------------


def find_matter(text: str) -> Matter:
    """A matter by its name or code; ValueError says what was wrong."""
    matters = list(Matter.objects.order_by("number"))
    for matter in matters:
        if key(text) in (key(matter.name), key(matter.code)):
            return matter
    hint = _hint(text, [m.name for m in matters])
    raise ValueError(
        _("没有名称或代码为“%(value)s”的事项。%(hint)s") % {"value": text, "hint": hint}
    )


def find_line(text: str) -> BusinessLine | None:
    """A business line by its name or code; None for blank (every line)."""
    if not text.strip() or key(text) in ALL_LINES:
        return None
    lines = list(BusinessLine.objects.order_by("number"))
    for line in lines:
        if key(text) in (key(line.name), key(line.code)):
            return line
    names = "、".join(line.name for line in lines)
    raise ValueError(
        _("业务条线“%(value)s”不存在,应为%(names)s之一。") % {"value": text, "names": names}
    )


def parse_flags(text: str) -> list[str]:
    """Flags as people type them: labels or codes, separated by 、,; or spaces."""
    with translation.override(None):
        table = _table(Flag.choices, FLAG_WORDS)
        labels = "、".join(str(label) for _v, label in Flag.choices)
    found: list[str] = []
    for word in SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        if not word:
            continue
        flags = _flags_in(word, table)
        if flags is None:
            raise ValueError(
                _("情形“%(value)s”无法识别,应为%(labels)s之一。")
                % {"value": word, "labels": labels}
            )
        found.extend(f for f in flags if f not in found)
    return found


def parse_amount(text: str) -> Decimal:
    amount = _amount(text)
    if amount is None:
        raise ValueError(_("“%(value)s”不是有效的金额。") % {"value": text})
    return amount


# ---- writing -------------------------------------------------------------------------------


def write(version, path_or_file, format: str | None = None) -> int:
    """Write a version's items in the same columns; returns how many."""
    rows = version.items.select_related("matter", "business_line").order_by("number")
    items = [ItemFields.of(item) for item in rows]
    write_items(items, path_or_file, format)
    return len(items)


def write_items(items: list[ItemFields], path_or_file, format: str | None = None) -> None:
    format = format or format_of(getattr(path_or_file, "name", path_or_file))
    with translation.override(None):
        rows = [_cells(it) for it in sorted(items, key=lambda it: it.number)]
    if format == "xlsx":
        _write_xlsx(rows, path_or_file)
    else:
        _write_csv(rows, path_or_file)


def _cells(it: ItemFields) -> list:
    flags = {flag: str(label) for flag, label in Flag.choices}
    return [
        it.number,
        it.code,
        it.business_line.name if it.business_line else "",
        "、".join(it.case_types),
        it.matter.name,
        str(Holder(it.holder).label),
        str(Power(it.power).label),
        "、".join(flags[f] for f in Flag.values if f in it.when_any),
        "、".join(flags[f] for f in Flag.values if f in it.unless),
        _number(it.min_amount),
        _number(it.max_amount),
        it.legal_basis,
        it.note,
    ]


def _number(amount: Decimal | None):
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else amount.quantize(CENT)


def _write_xlsx(rows: list[list], path_or_file) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("权力清单")
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for position, column in enumerate(COLUMNS):
        letter = _letter(position)
        sheet.column_dimensions[letter].width = column.width
        if column.field in WRAPPED:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path_or_file)


def _write_csv(rows: list[list], path_or_file) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    text = "\ufeff" + out.getvalue()  # the byte-order mark tells Excel it is UTF-8
    if isinstance(path_or_file, str | os.PathLike):
        Path(path_or_file).write_bytes(text.encode("utf-8"))
    elif isinstance(path_or_file, io.RawIOBase | io.BufferedIOBase):
        path_or_file.write(text.encode("utf-8"))
    else:
        path_or_file.write(text)
