"""Printed documents (reports, plans, Biểu 2) fetch nothing but their own data: URLs."""

import pytest

from common.pdf import _url_fetcher, html_to_pdf


def test_a_printed_document_reads_its_data_urls_and_no_file():
    with pytest.raises(ValueError):
        _url_fetcher().fetch("file:///etc/passwd")
    assert _url_fetcher().fetch("data:text/plain;base64,b2s=").read() == b"ok"


def test_a_document_pointing_at_a_local_file_still_prints_without_it():
    pdf = html_to_pdf('<p>Báo cáo</p><img src="file:///etc/passwd" alt="">')
    assert pdf.startswith(b"%PDF")
