"""HTML to PDF (WeasyPrint) for every printed document: the reports, the plans, Biểu 2."""

import functools


@functools.cache
def _url_fetcher():
    """WeasyPrint's fetcher for every document: they fetch nothing but their own data: URLs
    (the charts); a file or a network address in one is refused, not read."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str) -> bytes:
    # Imported when printing: a heavy import that most processes never need.
    from weasyprint import HTML

    return HTML(string=html, base_url=".", url_fetcher=_url_fetcher()).write_pdf()
