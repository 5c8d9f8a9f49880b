"""Demo data: agencies, fields, routing, one user per role per agency, ~300 cases in every state.

Idempotent: agencies, fields, rules and users are matched by code; cases are only added up to
the target count. Cases are created through the workflow services at past moments (the clock is
moved with time-machine), so their logs, deadlines and hash chains are consistent.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from pakn.accounts.models import Agency, Level, Membership, Role, User
from pakn.cases import demo_data as D
from pakn.cases import services as S
from pakn.cases.models import Case, Outcome, RoutingRule, Status
from pakn.geo.models import AdministrativeUnit, UnitLevel
from pakn.notifications.models import DeliveryStatus, Notification
from pakn.ops.models import Step, StepStatus
from pakn.submissions.models import Channel, SubmitterType
from pakn.taxonomy.models import Field

TARGET_CASES = 300
# final state → share of demo cases
STATE_MIX = [
    ("submitted", 14),
    ("needs_info", 7),
    ("accepted", 6),
    ("in_progress", 20),
    ("answer_review", 7),
    ("answered", 10),
    ("published", 18),
    ("closed", 8),
    ("returned", 3),
    ("rejected", 2),
    ("merged", 2),
    ("transferred", 3),
]
ROLES = [Role.INTAKE, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN]
# Citizen accounts of the portal (log in by email at /accounts/login/).
DEMO_CITIZENS: dict[str, dict[str, Any]] = {
    "citizen.demo": {"email": "nguoidan@pakn.local", "full_name": "Nguyễn Thị Dân"},
    "intermediary.demo": {
        "email": "guiho@pakn.local",
        "full_name": "Hoàng Văn Hỗ Trợ",
        "is_intermediary": True,
        "intermediary_organisation": "Tổ công nghệ số cộng đồng xã Thất Khê",
    },
}
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Hà",
    "Khánh",
    "Linh",
    "Minh",
    "Ngọc",
    "Phương",
    "Quân",
    "Thảo",
    "Tuấn",
    "Vân",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Nông", "Lương"]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (cơ quan, lĩnh vực, tài khoản mọi vai trò, ~300 phản ánh ở mọi trạng thái)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="chỉ tạo khi chưa có cơ quan nào"
        )
        parser.add_argument(
            "--print-accounts", action="store_true", help="chỉ in danh sách tài khoản mẫu"
        )
        parser.add_argument("--cases", type=int, default=TARGET_CASES)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_accounts"]:
            self.print_accounts()
            return
        if options["if_empty"] and Agency.objects.exists():
            self.stdout.write("Đã có dữ liệu; bỏ qua tạo dữ liệu mẫu.")
            return
        with transaction.atomic():
            fields = self.seed_fields()
            agencies = self.seed_agencies(fields)
            self.seed_users(agencies)
        created = self.seed_cases(options["cases"])
        self.silence_demo_notifications()
        self.stdout.write(
            f"Dữ liệu mẫu sẵn sàng: {Agency.objects.count()} cơ quan, {Case.objects.count()} hồ sơ (+{created})."
        )
        self.print_accounts()

    # ---------------------------------------------------------------------------------------

    def seed_fields(self) -> dict[str, Field]:
        fields = {}
        for position, (code, name, name_en, description) in enumerate(D.FIELDS):
            fields[code], _ = Field.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_en": name_en,
                    "description": description,
                    "position": position,
                },
            )
        return fields

    def _agency(
        self, code: str, name: str, level: str, parent: Agency | None, **extra: Any
    ) -> Agency:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            agency = Agency(code=code)
        agency.name, agency.level, agency.parent = name, level, parent
        for key, value in extra.items():
            setattr(agency, key, value)
        agency.save()
        return agency

    def seed_agencies(self, fields: dict[str, Field]) -> list[Agency]:
        agencies = []
        root = self._agency(
            "vpcp",
            "Văn phòng Chính phủ — Đầu mối tiếp nhận PAKN quốc gia",
            Level.CENTRAL,
            None,
            short_name="VPCP",
        )
        agencies.append(root)
        for code, name, short, field_codes in D.MINISTRIES:
            ministry = self._agency(code, name, Level.CENTRAL, root, short_name=short)
            ministry.fields.set([fields[c] for c in field_codes])
            agencies.append(ministry)
            for c in field_codes:
                RoutingRule.objects.get_or_create(
                    field=fields[c], unit=None, kind="", agency=ministry
                )
        for prefix, codename, name, communes in D.PROVINCES:
            unit = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, codename=codename)
            short = unit.name.replace("Tỉnh ", "")
            ubnd = self._agency(
                f"{prefix}-ubnd", name, Level.PROVINCE, root, unit=unit, short_name=f"UBND {short}"
            )
            ubnd.areas.set([unit])
            ubnd.fields.set(fields.values())
            agencies.append(ubnd)
            for suffix, template, field_codes in D.DEPARTMENTS:
                dept = self._agency(
                    f"{prefix}-{suffix}", template.format(p=short), Level.PROVINCE, ubnd, unit=unit
                )
                dept.fields.set([fields[c] for c in field_codes])
                dept.areas.set([unit])
                agencies.append(dept)
                for c in field_codes:
                    RoutingRule.objects.get_or_create(
                        field=fields[c], unit=unit, kind="", agency=dept
                    )
                if suffix == "van-phong":
                    # A submission from the province whose sender chose no field goes to the
                    # province's focal point, which classifies and routes it (not to the
                    # national intake point).
                    RoutingRule.objects.get_or_create(field=None, unit=unit, kind="", agency=dept)
            for commune_name in communes:
                ward = AdministrativeUnit.objects.get(
                    level=UnitLevel.COMMUNE, parent=unit, name=commune_name
                )
                agency = self._agency(
                    f"{prefix}-{ward.codename.replace('_', '-')}",
                    f"Ủy ban nhân dân {commune_name}",
                    Level.COMMUNE,
                    ubnd,
                    unit=ward,
                    short_name=f"UBND {commune_name}",
                )
                agency.areas.set([ward])
                agency.fields.set([fields[c] for c in D.COMMUNE_FIELDS])
                agencies.append(agency)
                for c in D.COMMUNE_FIELDS:
                    RoutingRule.objects.get_or_create(
                        field=fields[c], unit=ward, kind="", agency=agency
                    )
        return agencies

    def seed_users(self, agencies: list[Agency]) -> None:
        password = settings.PAKN_DEMO_PASSWORD
        admin = User.objects.filter(username="superadmin").first()
        if admin is None:
            User.objects.create_superuser(
                "superadmin", password, email="superadmin@pakn.local", full_name="Quản trị hệ thống"
            )
        # One slow password hash shared by every demo account instead of one per account.
        hashed = make_password(password)
        rng = random.Random(57)
        for agency in agencies:
            for role in ROLES:
                username = f"{agency.code}.{role}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User.objects.create_user(
                        username,
                        None,
                        email=f"{username}@pakn.local",
                        # A name only: the role is the membership's, shown in the reader's
                        # language where it matters (the signer of a published answer).
                        full_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                        is_staff=role == Role.ADMIN,
                    )
                    User.objects.filter(pk=user.pk).update(password=hashed)
                Membership.objects.get_or_create(user=user, agency=agency, role=role)
        self.seed_citizens(hashed)

    def seed_citizens(self, hashed: str) -> None:
        """A verified citizen and an intermediary ("gửi hộ") to try the portal's accounts."""
        now = timezone.now()
        for username, values in DEMO_CITIZENS.items():
            if not User.objects.filter(username=username).exists():
                user = User.objects.create_user(
                    username, None, email_verified_at=now, data_consent_at=now, **values
                )
                User.objects.filter(pk=user.pk).update(password=hashed)

    # ---------------------------------------------------------------------------------------

    def seed_cases(self, target: int) -> int:
        import time_machine

        missing = target - Case.objects.count()
        if missing <= 0:
            return 0
        rng = random.Random(2026 + Case.objects.count())
        # Spread each state evenly over the cycle so that even a small seed has every state.
        plan = [
            state
            for _, state in sorted(
                ((k + 0.5) / share, state) for state, share in STATE_MIX for k in range(share)
            )
        ]
        communes = list(
            AdministrativeUnit.objects.filter(
                parent__codename__in=[p[1] for p in D.PROVINCES],
                name__in=[c for p in D.PROVINCES for c in p[3]],
            ).select_related("parent")
        )
        fields = {f.code: f for f in Field.objects.all()}
        now = timezone.now()
        created = 0
        for i in range(missing):
            state = plan[i % len(plan)]
            start = now - timedelta(
                days=rng.randint(1, 110), hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
            )
            start = start.replace(hour=rng.randint(1, 10))  # 08:00–17:00 local time
            with time_machine.travel(start, tick=False):
                result = S.submission_intake(data=self._intake_data(rng, fields, communes))
            self._drive(result.case, state, start, now, rng)
            created += 1
        return created

    def _intake_data(
        self, rng: random.Random, fields: dict[str, Field], communes: list[AdministrativeUnit]
    ) -> S.IntakeData:
        field_code = rng.choice(list(D.TEMPLATES))
        kind, title, body = rng.choice(D.TEMPLATES[field_code])
        commune = rng.choice(communes)
        place = f"{commune.name}, {commune.parent.name if commune.parent else ''}"
        street = rng.choice(D.STREETS)
        is_org = rng.random() < 0.15
        name = rng.choice(D.PEOPLE)
        phone = f"09{rng.randint(10000000, 99999999)}"
        lat, lng = (21.85, 106.76) if "Lạng" in place else (19.81, 105.78)
        return S.IntakeData(
            kind=kind,
            field_id=fields[field_code].pk,
            title=title.format(street=street, place=commune.name),
            body=body.format(street=street, place=place),
            submitter_name=name,
            submitter_type=SubmitterType.ORGANISATION if is_org else SubmitterType.PERSON,
            organisation_name=rng.choice(D.ORGS) if is_org else "",
            phone=phone,
            email=f"nguoidan{rng.randint(1, 9999)}@example.vn" if rng.random() < 0.4 else "",
            submitter_address=f"{street}, {place}",
            is_anonymous=rng.random() < 0.2,
            consent=True,
            latitude=round(lat + rng.uniform(-0.03, 0.03), 6),
            longitude=round(lng + rng.uniform(-0.03, 0.03), 6),
            address=f"{street}, {commune.name}",
            province_id=commune.parent_id,
            commune_id=commune.pk,
            channel=rng.choice(
                [
                    Channel.WEB,
                    Channel.WEB,
                    Channel.MOBILE,
                    Channel.MOBILE,
                    Channel.INTERMEDIARY,
                    Channel.PHONE,
                ]
            ),
        )

    def _drive(
        self, case: Case, state: str, start: datetime, now: datetime, rng: random.Random
    ) -> None:
        """Walk the case through the workflow to ``state``, each step a little later."""
        clock = [start]

        def at() -> Any:
            import time_machine

            clock[0] = min(
                clock[0] + timedelta(hours=rng.randint(2, 60)), now - timedelta(minutes=5)
            )
            return time_machine.travel(clock[0], tick=False)

        def officer(role: str) -> User:
            return User.objects.get(username=f"{case.agency.code}.{role}")

        if state == "submitted":
            return
        if state == "transferred":
            target = (
                Agency.objects.exclude(pk=case.agency_id)
                .filter(level=Level.CENTRAL, parent__isnull=False)
                .order_by("?")
                .first()
            )
            assert target is not None
            with at():
                S.case_transfer(
                    case=case,
                    actor=officer(Role.INTAKE),
                    to_agency=target,
                    reason="Nội dung thuộc thẩm quyền của cơ quan khác; chuyển để xem xét, trả lời.",
                )
            return
        if state == "returned":
            with at():
                S.case_return(
                    case=case,
                    actor=officer(Role.INTAKE),
                    reason="Nội dung là khiếu nại cá nhân; đề nghị gửi đơn tới Ban Tiếp công dân theo Luật Khiếu nại.",
                )
            return
        if state == "rejected":
            with at():
                S.case_reject(
                    case=case,
                    actor=officer(Role.INTAKE),
                    reason="Nội dung có lời lẽ xúc phạm, vi phạm quy định của hệ thống.",
                )
            return
        if state == "merged":
            main = (
                Case.objects.filter(
                    agency=case.agency,
                    status__in=[Status.ACCEPTED, Status.IN_PROGRESS, Status.PUBLISHED],
                )
                .exclude(pk=case.pk)
                .first()
            )
            if main is not None:
                with at():
                    S.case_merge(
                        case=case,
                        actor=officer(Role.INTAKE),
                        into=main,
                        reason="Trùng nội dung với hồ sơ đang xử lý.",
                    )
            return
        if state == "needs_info":
            # Asked recently, so the scheduler does not return it at once as unanswered.
            clock[0] = max(clock[0], now - timedelta(days=4))
            with at():
                S.case_request_info(
                    case=case,
                    actor=officer(Role.INTAKE),
                    question="Đề nghị cung cấp thêm ảnh chụp hiện trường và địa chỉ cụ thể (số nhà, tổ dân phố).",
                )
            return
        with at():
            S.case_accept(case=case, actor=officer(Role.INTAKE))
        if state == "accepted":
            return
        handler = officer(Role.HANDLER)
        with at():
            S.case_assign(case=case, actor=officer(Role.INTAKE), assignee=handler)
        if state == "in_progress":
            if rng.random() < 0.3:
                with at():
                    S.case_note(
                        case=case,
                        actor=handler,
                        text="Đã liên hệ đơn vị liên quan, đang chờ kết quả kiểm tra thực tế.",
                    )
            return
        outcome = rng.choice(
            [
                Outcome.ACCEPTED,
                Outcome.ACCEPTED,
                Outcome.EXPLAINED,
                Outcome.RULE_AMENDED,
                Outcome.NOT_ACCEPTED,
            ]
        )
        with at():
            S.case_draft_answer(
                case=case, actor=handler, outcome=outcome, text=D.ANSWER_TEXTS[outcome]
            )
        if state == "answer_review":
            return
        with at():
            S.case_approve_answer(case=case, actor=officer(Role.LEADER))
        if state == "answered":
            return
        if state in ("published", "closed"):
            with at():
                S.case_publish(case=case, actor=officer(Role.LEADER))
            if rng.random() < 0.7:
                with at():
                    S.submission_rate(
                        case=case,
                        score=rng.choice([3, 4, 4, 5, 5, 5, 2]),
                        comment="Cơ quan trả lời rõ ràng.",
                    )
        if state == "closed":
            with at():
                S.case_close(case=case, actor=officer(Role.LEADER), reason="Đã hoàn thành.")

    def silence_demo_notifications(self) -> None:
        """The demo's history must not send hundreds of emails when the worker starts."""
        Notification.objects.filter(status=DeliveryStatus.PENDING).exclude(channel="in_app").update(
            status=DeliveryStatus.SKIPPED
        )
        Step.objects.filter(status=StepStatus.PENDING, name__startswith="notifications.").update(
            status=StepStatus.DONE
        )

    def print_accounts(self) -> None:
        password = settings.PAKN_DEMO_PASSWORD
        self.stdout.write(f"\nTài khoản mẫu / demo accounts (mật khẩu / password: {password})")
        self.stdout.write("  superadmin")
        for values in DEMO_CITIZENS.values():
            self.stdout.write(f"  {values['email']}  — {values['full_name']}")
        roles = "|".join(ROLES)
        for agency in Agency.objects.order_by("path").only("code", "name"):
            self.stdout.write(f"  {agency.code}.{{{roles}}}  — {agency.name}")
