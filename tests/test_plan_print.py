"""The plan printed as the document a board signs ("In kế hoạch"): .docx and PDF, same content."""

import datetime as dt
import io
import re
import subprocess

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from docx.table import Table
from docx.text.paragraph import Paragraph

from quotas import document, services
from quotas.models import Plan, RuleKind
from quotas.selectors import plan_rules

from .conftest import TODAY

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _print(client, plan, fmt):
    response = client.get(reverse("quotas:print", args=[plan.pk, fmt]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == (DOCX if fmt == "docx" else "application/pdf")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content


def _blocks(content: bytes):
    """The .docx read back in reading order: ("p", text, paragraph) and ("row", [cell texts], None)."""
    book = docx.Document(io.BytesIO(content))
    out = []
    for child in book.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[1]
        if tag == "p":
            paragraph = Paragraph(child, book)
            out.append(("p", paragraph.text, paragraph))
        elif tag == "tbl":
            for row in Table(child, book).rows:
                out.append(("row", [cell.text for cell in row.cells], None))
    return book, out


def _lines(blocks) -> list[str]:
    lines = []
    for kind, value, _p in blocks:
        if kind == "p":
            lines.append(value)
        else:
            for cell in value:
                lines += cell.split("\n")
    return [" ".join(line.split()) for line in lines]


def _pdf_pages(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "plan.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def _appendix_start(blocks) -> int | None:
    for index, (kind, _text, paragraph) in enumerate(blocks):
        if kind == "p" and paragraph.paragraph_format.page_break_before:
            return index
    return None


# --- the demo ----------------------------------------------------------------------------


def test_the_province_plan_97_kh_tu_as_docx_and_pdf(client, seeded_demo, tmp_path):
    plan = Plan.objects.get(number="97", symbol="KH/TU")
    sentences = [row.sentence for row in plan_rules(plan)]
    assert len(sentences) == 5
    client = _login(client, "tinh.kehoach")

    book, blocks = _blocks(_print(client, plan, "docx"))
    lines = _lines(blocks)
    # the header block: the committee alone (nothing above a province), the Party's name, number, place and date
    assert blocks[0] == ("row", ["TỈNH ỦY LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM"], None)
    assert blocks[1] == ("row", ["*", "Lâm Đồng, ngày 08 tháng 11 năm 2023"], None)
    assert blocks[2] == ("row", ["Số 97-KH/TU", ""], None)
    assert lines.index("KẾ HOẠCH") < lines.index(
        "Phát triển đảng viên trong học sinh, sinh viên, doanh nghiệp không có vốn Nhà nước"
    )
    assert "DỰ THẢO" not in lines
    for number, sentence in enumerate(sentences, start=1):
        assert f"{number}. {sentence}." in lines
    assert (
        "1. Các thành ủy, huyện ủy, đảng ủy trực thuộc Tỉnh ủy: Đánh giá việc thực hiện Kế hoạch, kết hợp "
        "tổng kết cuối năm, hằng năm, trước ngày 31/12." in lines
    )
    # signed by the deputy secretary, as seed 000 is
    assert {
        "Nơi nhận:",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Trần Đình Văn",
        "- Ban Tổ chức Trung ương (báo cáo),",
    } <= set(lines)
    # no allocation table: no appendix
    assert _appendix_start(blocks) is None and not any("Kèm theo" in line for line in lines)
    # A4, margins of the guide, Times New Roman 14
    section = book.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    assert book.styles["Normal"].font.name == "Times New Roman" and book.styles["Normal"].font.size.pt == 14

    pages = _pdf_pages(_print(client, plan, "pdf"), tmp_path)
    text = " ".join(pages)
    header = ["TỈNH ỦY LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 97-KH/TU", "ngày 08 tháng 11 năm 2023", "KẾ HOẠCH"]
    for expected in header:
        assert expected in text
    for sentence in sentences:
        assert " ".join(sentence.split()) in text
    assert "Nơi nhận:" in text and "Kèm theo" not in text and "Phụ lục" not in text


def test_a_district_plan_with_its_allocation_appendix_on_its_own_page(client, seeded_demo, tmp_path):
    plan = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    rows = plan_rules(plan)
    table = next(row for row in rows if row.rule.kind == RuleKind.ALLOCATION)
    client = _login(client, "donduong.kehoach")

    _book, blocks = _blocks(_print(client, plan, "docx"))
    lines = _lines(blocks)
    assert blocks[0] == ("row", ["ĐẢNG BỘ TỈNH LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM"], None)
    assert blocks[1] == ("row", ["HUYỆN ỦY ĐƠN DƯƠNG", ""], None)
    assert blocks[2][1][0] == "*" and " ".join(blocks[2][1][1].split()) == "Đơn Dương, ngày tháng năm"
    assert " ".join(blocks[3][1][0].split()) == "Số -KH/HU"  # no number in the seed: left blank to write in
    assert "Phát triển đảng viên năm 2025" in lines and "Chỉ tiêu năm 2025:" in lines
    # The committee's total, stated by its count rule and by the table (88 both), is one item
    # with its appendix, as seed 003 writes it once ("… từ 88 đảng viên trở lên (có phân bổ chi
    # tiết kèm theo)"); this asserted an item for each before.
    count = next(row for row in rows if row.rule.kind == RuleKind.COUNT and row.rule.target_id is None)
    assert count.rule.min_count == table.rule.min_count == 88
    listed = [row for row in rows if row is not table]
    for number, row in enumerate(listed, start=1):
        suffix = " (phụ lục kèm theo)" if row is count else ""
        assert f"{number}. {row.sentence}{suffix}." in lines
    assert not any(table.sentence in line for line in lines)
    assert "- Ban Thường vụ Tỉnh ủy Lâm Đồng (báo cáo)," in lines and "- Lưu Văn phòng Huyện ủy Đơn Dương." in lines

    start = _appendix_start(blocks)
    assert start is not None and blocks[start][1] == "Phụ lục"
    appendix = blocks[start:]
    assert appendix[1][1] == "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025"
    assert appendix[2][1] == "(Kèm theo Kế hoạch số …-KH/HU, ngày … của Ban Thường vụ Huyện ủy Đơn Dương)"
    table_rows = [value for kind, value, _p in appendix if kind == "row"]
    assert table_rows[0] == ["STT", "TCCSĐ", "CHỈ TIÊU"]
    expected = [[f"{n:02d}", a.organization.name, notation] for n, (a, notation) in enumerate(table.table, 1)]
    assert table_rows[1:-1] == expected and len(expected) == 15
    assert ["01", "Đảng bộ Công an huyện", "03"] in expected
    assert ["14", "Chi bộ Trường THPT Pró", "03 (01 HS)"] in expected
    assert table_rows[-1] == ["", "Tổng cộng", "91 (04 HS)"]

    pages = _pdf_pages(_print(client, plan, "pdf"), tmp_path)
    first = pages[0]
    for expected_text in ["ĐẢNG BỘ TỈNH LÂM ĐỒNG", "HUYỆN ỦY ĐƠN DƯƠNG", "KẾ HOẠCH", "Nơi nhận:", "T/M BAN THƯỜNG VỤ"]:
        assert expected_text in first
    for row in listed:  # the PDF too: one item for the committee's total
        assert " ".join(row.sentence.split()) in first
    assert " ".join(table.sentence.split()) not in first
    # the appendix starts a page of its own, and holds nothing of the plan's body
    last = next(i for i, page in enumerate(pages) if "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025" in page)
    assert last > 0 and "Nơi nhận" not in pages[last] and "KẾ HOẠCH" not in pages[last].replace("Kế hoạch", "")
    assert "Kèm theo Kế hoạch số …-KH/HU, ngày … của Ban Thường vụ Huyện ủy Đơn Dương" in pages[last]
    appendix_text = " ".join(pages[last:])
    for _a, notation in table.table:
        assert notation in appendix_text
    assert "Chi bộ Trường THPT Pró" in appendix_text and "Tổng cộng" in appendix_text and "91 (04 HS)" in appendix_text


def test_an_implementing_plan_names_the_plan_it_implements(client, seeded_demo):
    plan = Plan.objects.get(number="159", symbol="KH/HU")
    _book, blocks = _blocks(_print(_login(client, "xem.ductrong"), plan, "docx"))  # a viewer may print
    lines = _lines(blocks)
    assert blocks[0] == ("row", ["ĐẢNG BỘ TỈNH LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM"], None)
    assert blocks[1] == ("row", ["HUYỆN ỦY ĐỨC TRỌNG", ""], None)
    assert (
        "Thực hiện Kế hoạch số 97-KH/TU, ngày 08/11/2023 của Ban Thường vụ Tỉnh ủy Lâm Đồng về phát triển đảng viên "
        "trong học sinh, sinh viên, doanh nghiệp không có vốn Nhà nước;" in lines
    )
    assert "Đức Trọng, ngày 25 tháng 12 năm 2023" in lines and "Số 159-KH/HU" in lines


def test_outsiders_get_404_and_the_province_plan_is_printable_below_it(client, seeded_demo):
    province_plan = Plan.objects.get(number="97", symbol="KH/TU")
    don_duong = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    _login(client, "ninhthuan")
    for plan in (province_plan, don_duong):
        for fmt in ("pdf", "docx"):
            assert client.get(reverse("quotas:print", args=[plan.pk, fmt])).status_code == 404
    _login(client, "xem.ductrong")  # Đức Trọng's viewer: the province's plan yes, Đơn Dương's no
    assert client.get(reverse("quotas:print", args=[province_plan.pk, "docx"])).status_code == 200
    assert client.get(reverse("quotas:print", args=[don_duong.pk, "docx"])).status_code == 404


def test_a_long_committee_name_stays_inside_the_margins(client, seeded_demo, tmp_path):
    """Thành ủy Phan Rang – Tháp Chàm wraps in the header block instead of pushing it off the page."""
    plan = Plan.objects.get(issuer__code="NT.PR")
    path = tmp_path / "plan.pdf"
    path.write_bytes(_print(_login(client, "ninhthuan"), plan, "pdf"))
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))
    right_edge = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html))
    assert right_edge <= width - 15 / 25.4 * 72 + 2  # the 15 mm right margin (and a glyph's overhang)
    assert "Số" in html and "năm" in html


# --- the small tree ----------------------------------------------------------------------


@pytest.fixture
def draft(tree):
    plan = services.plan_create(
        issuer=tree.district,
        title="Kế hoạch phát triển đảng viên năm 2025",
        symbol="KH/HU",
        first_year=2025,
        last_year=2025,
    )
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=12)
    return plan


def test_a_draft_prints_with_the_draft_mark_and_an_issued_plan_without(client_for, draft, tmp_path):
    client = client_for("district_planner")
    _book, blocks = _blocks(_print(client, draft, "docx"))
    assert blocks[0][1] == "DỰ THẢO"
    assert "DỰ THẢO" in _pdf_pages(_print(client, draft, "pdf"), tmp_path)[0]
    services.plan_issue(plan=draft, number="12", issued_on=dt.date(2025, 1, 6), today=TODAY)
    _book, blocks = _blocks(_print(client, draft, "docx"))
    lines = _lines(blocks)
    assert "DỰ THẢO" not in lines and "Số 12-KH/HU" in lines and "Đơn Dương, ngày 06 tháng 01 năm 2025" in lines
    assert "DỰ THẢO" not in " ".join(_pdf_pages(_print(client, draft, "pdf"), tmp_path))


def test_a_plan_without_allocations_has_no_appendix_page(client_for, draft, tmp_path):
    services.rule_create(plan=draft, today=TODAY, kind=RuleKind.ALLOCATION, min_count=12)  # a table with no rows
    client = client_for("district_planner")
    _book, blocks = _blocks(_print(client, draft, "docx"))
    assert _appendix_start(blocks) is None and not any("Kèm theo" in line for line in _lines(blocks))
    pages = _pdf_pages(_print(client, draft, "pdf"), tmp_path)
    assert len(pages) == 1 and "Kèm theo" not in pages[0]


def test_the_appendix_of_a_table_with_rows(client_for, draft, tree, tmp_path):
    table = services.rule_create(plan=draft, today=TODAY, kind=RuleKind.ALLOCATION, min_count=5)
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 3, {"pupil": 1}), services.RowInput(tree.commune.pk, 2, {})],
        today=TODAY,
    )
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=draft.pk))
    (appendix,) = doc.appendices
    assert appendix.rows == [("01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"), ("02", "Đảng bộ xã Ka Đô", "02")]
    assert appendix.total == ("", "Tổng cộng", "05 (01 HS)")
    pages = _pdf_pages(document.render_pdf(doc), tmp_path)
    assert len(pages) == 2 and "Chi bộ Trường THPT Đơn Dương" in pages[1] and "Nơi nhận" not in pages[1]


def test_user_text_goes_into_the_docx_as_plain_text(client_for, draft):
    services.plan_update(plan=draft, today=TODAY, title="Kế hoạch <b>in đậm</b> & “trích dẫn”\x0b\x01 năm 2025")
    services.milestone_create(
        plan=draft, title="Gửi hồ sơ <script>", due_on=dt.date(2025, 10, 31), recurrence="once", today=TODAY
    )
    client = client_for("district_planner")
    lines = _lines(_blocks(_print(client, draft, "docx"))[1])
    assert "<b>in đậm</b> & “trích dẫn” năm 2025" in lines
    assert "1. Gửi hồ sơ <script>, trước ngày 31/10/2025." in lines
    html = document.render_pdf_html(document.plan_document(Plan.objects.select_related("issuer").get(pk=draft.pk)))
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_unknown_format_wrong_method_anonymous_and_bad_id(client, client_for, draft):
    url = reverse("quotas:print", args=[draft.pk, "pdf"])
    assert client.get(url).status_code == 302  # to the login page
    client = client_for("district_planner")
    assert client.get(reverse("quotas:print", args=[draft.pk, "xlsx"])).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get(reverse("quotas:print", args=[999_999, "pdf"])).status_code == 404
    assert client_for("outsider").get(url).status_code == 404


def test_the_plan_page_offers_both_prints(client_for, draft):
    page = client_for("viewer").get(reverse("quotas:detail", args=[draft.pk])).content.decode()
    assert reverse("quotas:print", args=[draft.pk, "pdf"]) in page
    assert reverse("quotas:print", args=[draft.pk, "docx"]) in page


def test_building_the_document_takes_a_fixed_number_of_queries(draft, tree, django_assert_max_num_queries):
    for n in range(3):
        table = services.rule_create(plan=draft, today=TODAY, kind=RuleKind.ALLOCATION, min_count=5 + n)
        services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {"pupil": 1})], today=TODAY)
    plan = Plan.objects.select_related("issuer").get(pk=draft.pk)
    # 10 whatever the tables: 8 before the plan was printed as of its day (its names, its
    # parent and its children of that day: two more).
    with django_assert_max_num_queries(10):
        doc = document.plan_document(plan)
    assert [a.label for a in doc.appendices] == ["Phụ lục 1", "Phụ lục 2", "Phụ lục 3"]


def test_grassroots_committees_and_cells_sign_for_themselves(tree):
    commune = services.plan_create(issuer=tree.commune, title="Kế hoạch năm 2025", symbol="KH/ĐU", first_year=2025)
    table = services.rule_create(plan=commune, today=TODAY, kind=RuleKind.ALLOCATION, min_count=1)
    services.allocation_set(rule=table, rows=[services.RowInput(tree.cell.pk, 1, {})], today=TODAY)
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=commune.pk))
    assert [c.text for c, _right in doc.header[:2]] == ["ĐẢNG BỘ HUYỆN ĐƠN DƯƠNG", "ĐẢNG ỦY XÃ KA ĐÔ"]
    assert (doc.on_behalf, doc.signer_title) == ("T/M ĐẢNG ỦY", "BÍ THƯ")
    assert doc.recipients[:2] == ["Ban Thường vụ Huyện ủy Đơn Dương (báo cáo)", "Ban Tổ chức Huyện ủy Đơn Dương"]
    assert doc.body[0].text == "Đảng ủy xã Ka Đô xây dựng Kế hoạch năm 2025 như sau:"
    assert doc.appendices[0].attached_to == "(Kèm theo Kế hoạch số …-KH/ĐU, ngày … của Đảng ủy xã Ka Đô)"
    assert doc.filename == f"ke-hoach-{commune.pk}-du-thao"

    cell = services.plan_create(issuer=tree.school, title="Kế hoạch chi bộ", symbol="KH/CB", first_year=2025)
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=cell.pk))
    assert [c.text for c, _right in doc.header[:2]] == ["ĐẢNG BỘ HUYỆN ĐƠN DƯƠNG", "CHI BỘ TRƯỜNG THPT ĐƠN DƯƠNG"]
    assert (doc.on_behalf, doc.recipients[-1]) == ("T/M CHI BỘ", "Lưu hồ sơ chi bộ")
    assert document.render_docx(doc)[:2] == b"PK"


def test_a_total_stated_twice_with_different_figures_prints_both(seeded_demo):
    """When the count rule and the table disagree (one amended without the other), the print
    keeps both items: it does not choose between them (the plan page warns)."""
    from quotas.document.content import plan_document

    plan = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    count = plan.rules.get(kind=RuleKind.COUNT, target__isnull=True, applies_to_each=False, category="")
    count.min_count = 90
    count.save()
    rows = plan_rules(plan)
    items = [p.text for p in plan_document(plan).body if p.style == "item"]
    for row in rows:
        if row.rule.kind in (RuleKind.COUNT, RuleKind.ALLOCATION) and row.rule.target_id is None:
            assert any(text.startswith(f"{n}. {row.sentence}") for n in range(1, 20) for text in items), row.sentence
