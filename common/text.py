"""Folding Vietnamese text for search: "Đơn Dương" and "don duong" compare equal.

Names are typed in Word and Excel, which change quotes, dashes and spaces silently
("Phan Rang - Tháp Chàm" becomes "Phan Rang – Tháp Chàm", "Chi bộ 'A'" becomes
"Chi bộ ‘A’", a space becomes a no-break space): these differences fold away too.
Stored `search_name` values are folded with this function: a change here needs a data
migration re-folding them (organizations 0006 and admissions 0008 did).
"""

import re
import unicodedata

# Đ/đ is a letter of its own, not D plus a combining mark, so NFD leaves it alone.
_LETTERS = {"đ": "d", "Đ": "d"}
# Every kind of apostrophe or quotation mark reads as ', every kind of dash or hyphen as -.
_QUOTES = "'\"‘’‚‛“”„‟′″ʹʺʻʼʽˈ`´«»‹›＂＇"
_DASHES = "‐‑‒–—―−﹘﹣－"
_TYPOGRAPHY = str.maketrans({**_LETTERS, **dict.fromkeys(_QUOTES, "'"), **dict.fromkeys(_DASHES, "-")})
# No space around these: "Phan Rang - Tháp Chàm", "Phan Rang-Tháp Chàm" and "Xã ,Thôn" read alike.
_SPACED_PUNCTUATION = re.compile(r"\s*([-'.,;:/()&+])\s*")


def fold(text: str) -> str:
    """Lower-case, strip diacritics, one kind of quote and dash, no space around punctuation,
    and single spaces (any kind of space; invisible characters dropped)."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_TYPOGRAPHY))
    # Mn: combining marks (the diacritics); Cf: invisible formatting (zero-width space, BOM).
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Cf"))
    single = " ".join(stripped.lower().split())
    return _SPACED_PUNCTUATION.sub(r"\1", single)


# Where a demo record came from, kept in its note for those who maintain the demo but not shown
# on the pages: "(seed 003)", "[minh họa năm 2026: key]" (the demo's own markers, never typed by users).
_PROVENANCE = re.compile(r"\s*\(seeds? \d[^)]*\)|\s*\[minh họa năm \d{4}: [^\]]*\]")


def split_note(text: str, hidden_prefixes: tuple[str, ...] = ()) -> tuple[str, str]:
    """A note as (what the pages show, the provenance they leave out).

    `hidden_prefixes` are markers at the start of the note left out too (the demo's
    "Nhân vật hư cấu — dữ liệu minh họa."). The two parts put back together with
    `join_note` give the note as stored, so a form can show one and save both."""
    text = text or ""
    hidden = []
    for prefix in hidden_prefixes:
        if prefix and text.startswith(prefix):
            hidden.append(prefix)
            text = text[len(prefix) :]
    hidden.extend(m.group(0).strip() for m in _PROVENANCE.finditer(text))
    shown = _PROVENANCE.sub("", text).strip()
    return shown, " ".join(hidden)


def public_note(text: str, hidden_prefixes: tuple[str, ...] = ()) -> str:
    """The note as the pages show it: without the demo's provenance markers."""
    return split_note(text, hidden_prefixes)[0]


def join_note(shown: str, hidden: str) -> str:
    """The stored note from what a user edited and the provenance kept aside."""
    return " ".join(part for part in (hidden, (shown or "").strip()) if part)
