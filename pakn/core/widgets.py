"""Select widgets that write their options in Python.

Django renders a ``<select>`` through one template include per option: with the ~550 agencies
that is most of a back-office page's time. These widgets write exactly the markup of Django's
``select.html``/``select_option.html`` (same attributes, escaping, ``selected`` rule and
whitespace), and an :class:`OptionList` escapes its labels once so a list kept per process
(``pakn.core.memo``) costs a join per request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# (group html or None, [(value as str, html before " selected", html after)])
type _Group = tuple[str | None, list[tuple[str, str, str]]]


class OptionList(BaseChoiceIterator):
    """Choices (as a ChoiceField takes them, optgroups included) with their HTML escaped once.

    Iterating gives the choices back, so Django's own checks (``use_required_attribute``) work;
    being a BaseChoiceIterator, a widget keeps it as it is instead of copying it to a list.
    """

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self._choices = list(choices)
        self._groups: list[_Group] = []
        for value, label in self._choices:
            if isinstance(label, list | tuple):
                items, group = label, f'\n  <optgroup label="{conditional_escape(value)}">'
            else:
                items, group = [(value, label)], None
            self._groups.append((group if value else None, [_option(v, lb) for v, lb in items]))
        self._skip: frozenset[str] = frozenset()

    def without(self, *values: Any) -> OptionList:
        """The same list less some values (e.g. the case's own agency), sharing the HTML."""
        other = object.__new__(OptionList)
        other._choices = self._choices
        other._groups = self._groups
        other._skip = self._skip | {str(v) for v in values}
        return other

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        skip = self._skip
        for value, label in self._choices:
            if isinstance(label, list | tuple):
                yield value, [(v, lb) for v, lb in label if str(v) not in skip]
            elif str(value if value is not None else "") not in skip:
                yield value, label

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def html(self, selected: Iterable[str], *, multiple: bool) -> str:
        chosen = set(selected)
        skip = self._skip
        has_selected = False
        out: list[str] = []
        for group, options in self._groups:
            if group:
                out.append(group)
            for value, head, tail in options:
                if value in skip:
                    continue
                out.append(head)
                # Django marks only the first matching option of a single select.
                if value in chosen and (multiple or not has_selected):
                    out.append(" selected")
                    has_selected = True
                out.append(tail)
            if group:
                out.append("\n  </optgroup>")
        return "".join(out)


def _attrs(attrs: dict[str, Any]) -> str:
    # Django's attrs.html, in the same order (flatatt would sort them).
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(value: Any, label: Any) -> tuple[str, str, str]:
    text = "" if value is None else str(value)
    return (
        text,
        f'\n  <option value="{conditional_escape(text)}"',
        f">{conditional_escape(label)}</option>\n",
    )


class FastSelect(forms.Select):
    """``forms.Select`` with the same markup, written without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        options = self.choices if isinstance(self.choices, OptionList) else OptionList(self.choices)
        body = options.html(self.format_value(value), multiple=self.allow_multiple_selected)
        return mark_safe(  # noqa: S308  # nosec B308 B703 - every piece is escaped above
            f'<select name="{conditional_escape(name)}"{_attrs(final_attrs)}>{body}\n</select>'
        )


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    allow_multiple_selected = True
