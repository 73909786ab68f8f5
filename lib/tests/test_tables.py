import io

import openpyxl
import pytest

from lib.tables import TableError, column_letter, read_table
from lib.text import normalize_search, ru_plural


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_rows_keep_their_file_row_numbers_and_skip_blank_rows():
    table = read_table(_xlsx([["ИНН", "Имя"], ["1", "a"], [None, None], ["2", "b"]]), "r.xlsx")
    assert table.headers == ["ИНН", "Имя"]
    assert [n for n, _ in table.rows] == [2, 4]
    assert list(table.records())[1] == (4, {"ИНН": "2", "Имя": "b"})


def test_csv_semicolon_cp1251_is_read():
    data = "ИНН;Наименование\n7707083893;Школа № 1\n".encode("cp1251")
    table = read_table(data, "r.csv")
    assert list(table.records()) == [(2, {"ИНН": "7707083893", "Наименование": "Школа № 1"})]


def test_broken_xlsx_gives_a_clear_error():
    with pytest.raises(TableError, match="XLSX"):
        read_table(b"PK\x03\x04 not really a zip", "broken.xlsx")


def test_unknown_extension_is_refused():
    with pytest.raises(TableError, match="XLSX и CSV"):
        read_table(b"x", "file.pdf")


def test_duplicate_header_is_refused():
    with pytest.raises(TableError, match="дважды"):
        read_table(b"a,b,a\n1,2,3\n", "r.csv")


def test_helpers():
    assert column_letter(0) == "A" and column_letter(27) == "AB"
    assert normalize_search("  МБОУ «СОШ  № 1» Ёлочка ") == "мбоу сош № 1 елочка"
    assert [ru_plural(n, "школа", "школы", "школ") for n in (1, 2, 5, 11, 21, 104)] == [
        "школа",
        "школы",
        "школ",
        "школ",
        "школа",
        "школы",
    ]


def test_a_file_longer_than_the_limit_is_refused_with_the_row_named():
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["ИНН", "Наименование"])
    for row in range(1, 31):
        sheet.write_row(row, 0, [f"25000000{row:02d}", "Школа"])
    workbook.close()
    assert len(read_table(buffer.getvalue(), "r.xlsx", max_rows=30).rows) == 30
    with pytest.raises(TableError, match="Строка 31: в файле больше 29 строк"):
        read_table(buffer.getvalue(), "r.xlsx", max_rows=29)
    csv_data = ("ИНН;Наименование\n" + "".join(f"25{i:08d};Школа\n" for i in range(40))).encode()
    with pytest.raises(TableError, match="больше 30 строк"):
        read_table(csv_data, "r.csv", max_rows=30)


def test_an_xlsx_that_unpacks_to_too_much_is_refused(monkeypatch):
    import io
    import zipfile

    from lib import tables

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 2_000_000)
    monkeypatch.setattr(tables, "MAX_UNPACKED_XLSX", 1_000_000)
    with pytest.raises(TableError, match="в распакованном виде"):
        read_table(buffer.getvalue(), "bomb.xlsx")
