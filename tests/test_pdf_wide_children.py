"""Section III of the report PDF (the organizations directly under the scope) goes on
landscape pages, with the signature after it, when its table has more columns than a
portrait page holds (DOCUMENT-FORMAT.md: "landscape for wide tables")."""

from django.utils import translation

from reports.pdf import WIDE_ON_PORTRAIT, Printed, render_pdf

from .test_report_documents import _pdf_text, _report
from .test_report_periods import admitted  # noqa: F401  (a fixture)


def _pages_of(text: str, pages: list[str], words: str) -> list[str]:
    return [kind for page, kind in zip(text.split("\f"), pages, strict=False) if words in page]


def test_a_wide_organizations_table_is_printed_landscape_with_the_signature(admitted, tmp_path):  # noqa: F811
    report = _report(admitted.district)  # a quarter: its figures beside the same quarter last year
    assert len(Printed(report.children).columns) > WIDE_ON_PORTRAIT
    with translation.override("vi"):
        text, pages = _pdf_text(render_pdf(report), tmp_path)
    assert pages[0] == "portrait"
    assert _pages_of(text, pages, "III. CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC") == ["landscape"]
    assert _pages_of(text, pages, "Nơi nhận:") == ["landscape"]


def test_a_narrow_organizations_table_stays_on_the_portrait_pages(admitted, tmp_path):  # noqa: F811
    report = _report(admitted.district, "2025")
    assert len(Printed(report.children).columns) <= WIDE_ON_PORTRAIT  # a closed year: no period beside it
    with translation.override("vi"):
        text, pages = _pdf_text(render_pdf(report), tmp_path)
    assert _pages_of(text, pages, "III. CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC") == ["portrait"]
