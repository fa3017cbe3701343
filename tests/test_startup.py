"""Start-up: every command and worker loads the URLconf (all views); openpyxl and pygal
are imported when a file or chart is made, not then (issue 18: 3.2 s of a 4.2 s
`manage.py check` were imports)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_every_view_imports_neither_openpyxl_nor_pygal():
    code = (
        "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'partyplans.settings'); "
        "django.setup(); from django.urls import get_resolver; get_resolver().url_patterns; "
        "from django.core.management import call_command; "
        "print(sorted(m for m in ('openpyxl', 'pygal', 'weasyprint') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
