"""English is the second language of every screen: each string marked for translation has an
English translation, the compiled catalogs match their sources, and the pages switch language."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
# The project's own catalogues (not those of installed packages, nor of bench venvs under var/).
CATALOGS = sorted(
    [ROOT / "locale/en/LC_MESSAGES/django.po", *ROOT.glob("pakn/*/locale/en/LC_MESSAGES/django.po")]
)


def _entries(po: Path) -> dict[str, str]:
    """msgid → msgstr of a catalog; fuzzy or partly translated plural entries count as missing."""
    entries: dict[str, str] = {}
    for entry in polib.pofile(str(po)):
        if entry.msgid_plural:
            forms = entry.msgstr_plural.values()
            translated = all(forms) and not entry.fuzzy
            entries[entry.msgid] = "\x00".join(forms) if translated else ""
        else:
            entries[entry.msgid] = "" if entry.fuzzy else entry.msgstr
    return entries


def test_there_are_catalogs() -> None:
    assert ROOT / "locale/en/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_an_english_translation(po: Path) -> None:
    missing = [msgid for msgid, msgstr in _entries(po).items() if not msgstr]
    assert not missing, f"{len(missing)} untranslated in {po}: {missing[:10]}"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr in _entries(po).items()
        if "\x00" not in msgstr and compiled.gettext(msgid) != msgstr
    ]
    assert not stale, (
        f"{po.with_suffix('.mo')} is older than its .po (run compilemessages): {stale[:5]}"
    )


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs GNU gettext (bin/ensure-chromium installs it)"
)
def test_every_marked_string_is_in_the_catalogs(tmp_path: Path) -> None:
    """makemessages over a copy of the code finds no string the catalogs lack."""
    copy = tmp_path / "src"
    for name in ("pakn", "templates", "config", "locale", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, copy / name, ignore=shutil.ignore_patterns("static", "__pycache__")
            )
        else:
            shutil.copy(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for po in CATALOGS:
        fresh = copy / po.relative_to(ROOT)
        new = set(_entries(fresh)) - set(_entries(po))
        assert not new, (
            f"strings not yet in {po.relative_to(ROOT)} (run makemessages): {sorted(new)[:10]}"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "english", "vietnamese"),
    [
        ("/", "Send a report or recommendation", "Gửi phản ánh, kiến nghị"),
        ("/submit/", "Anonymous to the public", "Ẩn danh với công chúng"),
        ("/track/", "Follow a report or recommendation", "Tra cứu phản ánh, kiến nghị"),
        ("/published/", "Search the answers", "Tìm trong các câu trả lời"),
        ("/backoffice/login/", "Log in to the officers' area", "Đăng nhập khu vực cán bộ"),
    ],
)
def test_pages_speak_english_when_asked(client, path: str, english: str, vietnamese: str) -> None:
    vi = client.get(path).content.decode()
    assert vietnamese in vi
    en = client.get(path, headers={"accept-language": "en"}).content.decode()
    assert english in en.replace("&#x27;", "'")
    assert vietnamese not in en


@pytest.mark.django_db
def test_field_names_follow_the_page_language(client) -> None:
    from tests.factories import FieldFactory

    FieldFactory(code="giao-thong", name="Giao thông", name_en="Transport")
    assert "Giao thông" in client.get("/").content.decode()
    english = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "Transport" in english
    assert "Giao thông" not in english
