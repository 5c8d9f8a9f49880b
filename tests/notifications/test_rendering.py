from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from pakn.notifications.rendering import (
    ACCOUNT_TEMPLATES,
    CITIZEN_TEMPLATES,
    TEMPLATES,
    URGENT_OFFICER_TEMPLATES,
    render_message,
)

from .conftest import CONTEXT

VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
# Account messages are about no case (no tracking code); see test_account_messages.py.
CASE_TEMPLATES = sorted(TEMPLATES - ACCOUNT_TEMPLATES)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_with_no_context(template: str, language: str) -> None:
    message = render_message(template=template, context={}, language=language)

    assert message.subject.startswith("[PAKN] ")
    for part in (message.subject, message.text, message.html, message.sms, message.summary):
        assert part
        assert "None" not in part
        assert "{{" not in part and "{%" not in part


@pytest.mark.parametrize("template", CASE_TEMPLATES)
def test_every_template_renders_the_full_context(template: str) -> None:
    message = render_message(template=template, context=CONTEXT, recipient_name="Trần Văn Bình")

    assert message.subject.startswith("[PAKN K7M3-9XQ2C] ")
    assert "K7M3-9XQ2C" in message.text
    assert "Kính gửi Trần Văn Bình," in message.text
    assert CONTEXT["link"] in message.text
    assert f'href="{CONTEXT["link"]}"' in message.html


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_has_an_english_translation(template: str) -> None:
    vietnamese = render_message(template=template, context={}, language="vi")
    english = render_message(template=template, context={}, language="en")

    assert english.subject != vietnamese.subject
    for part in (english.subject, english.text, english.summary):
        assert not VIETNAMESE_LETTERS & set(part.lower()), part
    assert '<html lang="en">' in english.html


def test_unknown_language_falls_back_to_vietnamese() -> None:
    message = render_message(template="answered", context={}, language="fr")

    assert message.subject == "[PAKN] Đã có kết quả trả lời"


@pytest.mark.parametrize("template", sorted(CITIZEN_TEMPLATES | URGENT_OFFICER_TEMPLATES))
def test_sms_fits_one_message_without_diacritics(template: str) -> None:
    message = render_message(template=template, context=CONTEXT)

    assert message.sms.isascii(), message.sms
    assert len(message.sms) <= 160, (len(message.sms), message.sms)
    assert message.sms.startswith("PAKN K7M3-9XQ2C: ")
    assert message.sms.endswith(CONTEXT["link"])


def test_in_app_summary_keeps_diacritics_and_leaves_out_the_link() -> None:
    message = render_message(template="answered", context=CONTEXT)

    assert message.summary == "PAKN K7M3-9XQ2C: Đã có kết quả trả lời, mời Ông/Bà xem và đánh giá."


def test_user_text_is_escaped_in_html_and_kept_verbatim_in_text() -> None:
    message = render_message(
        template="returned", context=CONTEXT, recipient_name="<img src=x onerror=alert(1)>"
    )

    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in message.html
    assert "<b>của</b>" not in message.html
    assert "&lt;b&gt;của&lt;/b&gt; xã.<br>Đề nghị" in message.html
    assert "<img" not in message.html
    assert 'Ổ gà <script>alert("x")</script> trên đường' in message.text
    assert "Kính gửi <img src=x onerror=alert(1)>," in message.text
    assert "&lt;" not in message.text and "&quot;" not in message.text


def test_due_date_is_rendered_as_local_date() -> None:
    message = render_message(template="due_soon", context=CONTEXT)

    # 20:00 UTC on 1 March is 03:00 on 2 March in Vietnam.
    assert "Hạn xử lý: 02/03/2026" in message.text
    assert "Han xu ly: 02/03/2026." in message.sms


def test_relative_link_is_made_absolute(settings: Settings) -> None:
    settings.SITE_URL = "https://pakn.example.vn"

    message = render_message(template="case_assigned", context={"link": "/backoffice/cases/7/"})

    assert "https://pakn.example.vn/backoffice/cases/7/" in message.text


def test_unknown_template_raises() -> None:
    with pytest.raises(ValueError, match="no_such_template"):
        render_message(template="no_such_template", context={})


def test_only_the_requested_parts_are_rendered() -> None:
    message = render_message(template="answered", context=CONTEXT, email=False, summary=False)

    assert message.sms
    assert message.subject == message.text == message.html == message.summary == ""
