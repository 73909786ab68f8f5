"""Reading uploaded spreadsheets (XLSX or CSV) into rows, with errors a person can act on.

Every importer in the system (registry, scoring inputs, survey answers, bus.gov.ru
reviews) reads files through ``read_table`` so that a broken file always gives the
same kind of message: which file, which sheet, which row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lib.text import clean_cell


class TableError(ValueError):
    """The file cannot be read as a table at all."""


# Limits that keep a hostile or runaway file from tying up a worker: rows read (blank ones included)
# and the unpacked size of an XLSX (a small zip can unpack to gigabytes).
MAX_ROWS = 250_000
MAX_UNPACKED_XLSX = 400 * 1024 * 1024


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number in the file, cells)

    def records(self) -> Iterator[tuple[int, dict[str, object]]]:
        for number, cells in self.rows:
            padded = list(cells) + [None] * (len(self.headers) - len(cells))
            yield number, {h: padded[i] for i, h in enumerate(self.headers) if h}


def _is_blank(cells: list[object]) -> bool:
    return all(clean_cell(c) == "" for c in cells)


def read_table(
    data: bytes, filename: str, *, header_row: int = 1, sheet: str | None = None, max_rows: int = MAX_ROWS
) -> Table:
    """Parse DATA (an .xlsx or .csv file) into a Table; header names are trimmed text.

    Raises TableError with a Russian message when the file is not a readable table.
    """
    name = filename.lower()
    if name.endswith(".xlsx") or name.endswith(".xlsm"):
        return _read_xlsx(data, header_row=header_row, sheet=sheet, max_rows=max_rows)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(data, header_row=header_row, max_rows=max_rows)
    raise TableError(f"Файл «{filename}»: поддерживаются только XLSX и CSV")


def _too_many_rows(number: int, header_row: int, max_rows: int) -> TableError:
    return TableError(f"Строка {number}: в файле больше {max_rows} строк данных; разделите его на части")


def _read_xlsx(data: bytes, *, header_row: int, sheet: str | None, max_rows: int) -> Table:
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError("Файл не является книгой XLSX (повреждён или другого формата)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_XLSX:
        raise TableError(
            f"Книга XLSX в распакованном виде занимает {unpacked // (1024 * 1024)} МБ "
            f"(допускается до {MAX_UNPACKED_XLSX // (1024 * 1024)} МБ)"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types on broken files
        raise TableError(f"Книгу XLSX не удалось прочитать: {exc}") from exc
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise TableError(f"В книге нет листа «{sheet}» (есть: {', '.join(workbook.sheetnames)})")
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        table: Table | None = None
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > header_row + max_rows:
                raise _too_many_rows(number, header_row, max_rows)
            cells = list(values)
            if number < header_row:
                continue
            if table is None:
                table = Table(headers=[clean_cell(c) for c in cells])
                continue
            if _is_blank(cells):
                continue
            table.rows.append((number, cells))
    finally:
        workbook.close()
    if table is None:
        raise TableError("Лист пуст: нет строки заголовков")
    _trim_headers(table)
    return table


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("Не удалось определить кодировку CSV (ожидается UTF-8 или Windows-1251)")


def _read_csv(data: bytes, *, header_row: int, max_rows: int) -> Table:
    if b"\x00" in data[:4096]:
        raise TableError("Файл CSV содержит двоичные данные")
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), dialect)
    table: Table | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if number > header_row + max_rows:
                raise _too_many_rows(number, header_row, max_rows)
            if number < header_row:
                continue
            if table is None:
                table = Table(headers=[clean_cell(c) for c in cells])
                continue
            if _is_blank(cells):
                continue
            table.rows.append((number, list(cells)))
    except csv.Error as exc:
        raise TableError(f"Строка {reader.line_num}: файл CSV повреждён ({exc})") from exc
    if table is None:
        raise TableError("Файл пуст: нет строки заголовков")
    _trim_headers(table)
    return table


def _trim_headers(table: Table) -> None:
    while table.headers and table.headers[-1] == "":
        table.headers.pop()
    seen: set[str] = set()
    for header in table.headers:
        if header and header in seen:
            raise TableError(f"Столбец «{header}» встречается дважды")
        seen.add(header)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (for messages that name a column as Excel shows it)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
