"""The library's bilingual text (ce_backprop.lang): what Jupyter shows, what nbval compares, what the build reads."""

import json

import pytest

import ce_backprop as cb
from ce_backprop.lang import MARKS, MIME_TYPE


def test_plain_text_is_chinese_then_english_between_invisible_marks():
    text = cb.Bilingual("通过", "passed")
    assert str(text) == f"{MARKS[0]}通过\n{MARKS[1]}passed{MARKS[2]}"
    assert "".join(c for c in str(text) if c not in MARKS) == "通过\npassed"  # what a reader sees
    assert all(__import__("unicodedata").category(m) == "Cf" for m in MARKS)  # format characters: invisible
    assert text.in_language("zh") == "通过" and text.in_language("en") == "passed"


def test_mime_bundle_carries_each_language_as_a_json_string():
    bundle = cb.Bilingual("梯度 ∂C/∂w：通过", "gradient ∂C/∂w: passed")._repr_mimebundle_()
    assert bundle["text/plain"] == f"{MARKS[0]}梯度 ∂C/∂w：通过\n{MARKS[1]}gradient ∂C/∂w: passed{MARKS[2]}"
    assert isinstance(bundle[MIME_TYPE], str)
    assert json.loads(bundle[MIME_TYPE]) == {"zh": "梯度 ∂C/∂w：通过", "en": "gradient ∂C/∂w: passed"}


def test_concatenation_shares_plain_strings_between_languages():
    text = "z = 3: " + cb.Bilingual("饱和", "saturated") + cb.Bilingual("。", ".")
    assert (text.zh, text.en) == ("z = 3: 饱和。", "z = 3: saturated.")


def test_join_lines():
    text = cb.join_lines([cb.Bilingual("第一行", "first line"), "η = 0.5"])
    assert (text.zh, text.en) == ("第一行\nη = 0.5", "first line\nη = 0.5")


@pytest.mark.parametrize("zh, en", [(1, "one"), ("一", None)])
def test_bad_parts_raise_value_error(zh, en):
    with pytest.raises(ValueError, match="must be a str"):
        cb.Bilingual(zh, en)


def test_bad_language_and_bad_line_raise_value_error():
    with pytest.raises(ValueError, match="lang must be one of"):
        cb.Bilingual("一", "one").in_language("fr")
    with pytest.raises(ValueError, match="parts must be"):
        cb.join_lines([3])
