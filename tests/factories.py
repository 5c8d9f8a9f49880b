"""Factories with hostile defaults: diacritics, markup and long text everywhere."""

from __future__ import annotations

import factory

from pakn.accounts.models import Agency, Level, Membership, User
from pakn.taxonomy.models import Field

HOSTILE = "Phản ánh <script>alert('x')</script> “đường” ngập — "


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"cán-bộ-{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Ánh <b>{n}</b>")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "mật-khẩu-an-toàn-2026")

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: object = None) -> None:
        if create:
            instance.save()


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực “Môi trường” <i>{n}</i>")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"co-quan-{n}")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Đồng Đăng <script>{n}</script>")
    level = Level.PROVINCE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = "handler"
