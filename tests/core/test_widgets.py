from __future__ import annotations

from typing import Any

import pytest
from django import forms

from pakn.core.widgets import FastSelect, FastSelectMultiple, OptionList

CHOICES: list[tuple[Any, Any]] = [
    ("", "— Chọn cơ quan —"),
    (1, "Sở Giao thông vận tải"),
    (2, "— Phòng <script>alert(1)</script> & “đường”"),
    ("Nhóm <b>", [(3, "Giao thông"), (4, "Môi trường")]),
    (5, 'Ủy ban "nhân dân"'),
]


@pytest.mark.parametrize("value", [None, "", "2", 4, "99", ["1", "4"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "required": True, "aria-invalid": "true"}])
def test_fast_select_writes_exactly_what_django_select_writes(value: Any, attrs: Any) -> None:
    expected = forms.Select(choices=CHOICES).render("to_agency", value, attrs)
    assert FastSelect(choices=CHOICES).render("to_agency", value, attrs) == expected
    assert FastSelect(choices=OptionList(CHOICES)).render("to_agency", value, attrs) == expected


@pytest.mark.parametrize("value", [None, [], ["1", "4"], [2, 5]])
def test_fast_select_multiple_writes_exactly_what_django_writes(value: Any) -> None:
    attrs = {"size": 6, "id": "id_agencies"}
    expected = forms.SelectMultiple(choices=CHOICES).render("agencies", value, attrs)
    assert FastSelectMultiple(choices=OptionList(CHOICES)).render("agencies", value, attrs) == (
        expected
    )


def test_agency_name_with_script_is_escaped_and_selection_kept() -> None:
    html = FastSelect(choices=OptionList(CHOICES)).render("a", "2", None)
    assert "<script>" not in html
    assert '<option value="2" selected>— Phòng &lt;script&gt;alert(1)&lt;/script&gt; &amp;' in html
    assert '<optgroup label="Nhóm &lt;b&gt;">' in html


def test_single_select_marks_only_the_first_matching_option() -> None:
    twice = OptionList([(1, "a"), (1, "b")])
    assert FastSelect(choices=twice).render("a", 1, None).count(" selected") == 1


def test_without_leaves_out_a_value_everywhere() -> None:
    options = OptionList(CHOICES).without(2, 4)
    html = FastSelect(choices=options).render("a", None, None)
    assert 'value="2"' not in html and 'value="4"' not in html and 'value="3"' in html
    assert [v for v, _label in options][:3] == ["", 1, "Nhóm <b>"]
    assert dict(options)["Nhóm <b>"] == [(3, "Giao thông")]


def test_a_widget_keeps_the_option_list_it_is_given() -> None:
    options = OptionList(CHOICES)
    widget = FastSelect()
    widget.choices = options
    assert widget.choices is options
