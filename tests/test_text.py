from common.text import fold


def test_fold_strips_vietnamese_diacritics_and_the_letter_d_with_stroke():
    assert fold("Đơn Dương") == "don duong"
    assert fold("Đà Lạt") == "da lat"
    assert fold("  THPT   Pró ") == "thpt pro"
    assert fold("Thạnh Mỹ") == "thanh my"


def test_fold_handles_precomposed_and_decomposed_input_alike():
    import unicodedata

    text = "Quảng Lập"
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text)) == "quang lap"
