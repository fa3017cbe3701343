"""Folding Vietnamese text for search: "Đơn Dương" and "don duong" compare equal."""

import re
import unicodedata

# Đ/đ is a letter of its own, not D plus a combining mark, so NFD leaves it alone.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse whitespace."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


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
