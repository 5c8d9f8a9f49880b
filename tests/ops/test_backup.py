from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pakn.accounts.models import Agency, User
from pakn.cases.log import verify_chain
from pakn.cases.models import Case, CaseEvent
from pakn.submissions.models import Attachment
from tests.world import drive


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(world, tmp_path, capsys, settings):
    pdf = SimpleUploadedFile("biên bản.pdf", b"%PDF-1.4\nnoi dung bien ban\n%%EOF")
    case = drive(world, world.new_case(attachments=[pdf], id_number="001099012345"), "published")
    before = {
        "cases": list(
            Case.objects.order_by("pk").values_list("pk", "status", "due_at", "public_body")
        ),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "hash")),
        "users": User.objects.count(),
        "agency_paths": list(Agency.objects.order_by("pk").values_list("path", flat=True)),
    }
    attachment_bytes = Attachment.objects.get().file.read()

    call_command("backup", f"--output={tmp_path / 'out'}")
    archive = Path(capsys.readouterr().out.strip())
    assert archive.exists() and archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as tar:
        dump = tar.extractfile("data.jsonl").read().decode()
    assert "001099012345" not in dump  # identity numbers stay encrypted in backups

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))

    # Disaster: data and files gone.
    call_command("flush", "--no-input", verbosity=0)
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Case.objects.exists()

    call_command("restore", str(archive))
    after = {
        "cases": list(
            Case.objects.order_by("pk").values_list("pk", "status", "due_at", "public_body")
        ),
        "events": list(CaseEvent.objects.order_by("pk").values_list("pk", "hash")),
        "users": User.objects.count(),
        "agency_paths": list(Agency.objects.order_by("pk").values_list("path", flat=True)),
    }
    assert after == before
    assert Attachment.objects.get().file.read() == attachment_bytes
    assert Case.objects.get(pk=case.pk).submission.submitter_id_number == "001099012345"
    assert verify_chain() is None
    assert Case.objects.get(pk=case.pk).events.count() == case.events.count()


@pytest.mark.django_db(transaction=True)
def test_corrupted_archive_is_refused_before_touching_data(world, tmp_path, capsys):
    world.new_case()
    call_command("backup", f"--output={tmp_path}")
    archive = Path(capsys.readouterr().out.strip())
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(broken, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "data.jsonl":
                data = data.replace(b"Nguy", b"XXXX", 1)
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="không khớp mã kiểm tra"):
        call_command("restore", str(broken), "--force")
    assert Case.objects.count() == 1
