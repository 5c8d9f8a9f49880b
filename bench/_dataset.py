"""The synthetic national data set the benchmarks share: agency tree, fields, officers, and a
generator of realistic Vietnamese submissions with their whole case history.

One agency tree (root, 8 ministries, 34 provinces named after the real ones with 5 departments
and 10 communes each: 553 agencies), 12 fields with their own title and body templates, places
taken from ``pakn/geo`` (a commune agency's cases happen in its commune), and per case the
states a real case goes through, with deadlines in working days, answers, ratings and the
hash-chained case log computed exactly as ``pakn.cases.log`` does (``verify_case_log`` passes).
"""

from __future__ import annotations

import functools
import os
import random
import string
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dtime
from types import SimpleNamespace
from typing import Any

PROVINCES = 34
DEPARTMENTS = 5
COMMUNES = 10
MINISTRIES = 8
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-Pakn-2026"

# (code, name, [titles], [bodies]); {place}, {street}, {n}, {days} are filled per case.
FIELDS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "giao-thong",
        "Giao thông",
        [
            "Ổ gà lớn trên đường {street}",
            "Đèn tín hiệu giao thông ở ngã tư {street} không hoạt động",
            "Xe tải chở quá tải làm hỏng đường {street}",
            "Đề nghị lắp biển báo giảm tốc gần trường học ở {place}",
        ],
        [
            "Đoạn đường {street} thuộc {place} xuất hiện nhiều ổ gà sâu khoảng {n} cm, trời mưa "
            "nước đọng, người đi xe máy đã bị ngã. Đề nghị cơ quan chức năng sớm sửa chữa.",
            "Đã {days} ngày đèn tín hiệu tại nút giao {street}, {place} không hoạt động vào giờ cao "
            "điểm, gây ùn tắc và nguy cơ tai nạn. Kính đề nghị kiểm tra, khắc phục.",
            "Hằng đêm có khoảng {n} lượt xe tải trọng lớn đi qua đường {street}, {place}, mặt "
            "đường nứt vỡ, bụi mù. Đề nghị kiểm tra tải trọng và cắm biển hạn chế.",
        ],
    ),
    (
        "moi-truong",
        "Tài nguyên và môi trường",
        [
            "Rác thải tồn đọng nhiều ngày tại {place}",
            "Xưởng sản xuất xả nước thải ra kênh ở {place}",
            "Khói bụi từ bãi đốt rác gần khu dân cư {street}",
            "Kiến nghị bố trí thêm điểm thu gom rác phân loại tại {place}",
        ],
        [
            "Rác sinh hoạt tập kết tại đầu hẻm số {n} đường {street}, {place} đã {days} ngày chưa "
            "được thu gom, bốc mùi hôi thối, ruồi muỗi nhiều. Đề nghị đơn vị vệ sinh môi trường "
            "thu gom dứt điểm.",
            "Một cơ sở sản xuất tại {place} xả nước thải màu đen, có mùi hắc ra kênh thủy lợi vào "
            "ban đêm, cá chết hàng loạt. Người dân đề nghị kiểm tra, xử lý nghiêm.",
        ],
    ),
    (
        "dat-dai",
        "Đất đai, xây dựng",
        [
            "Công trình xây dựng lấn chiếm vỉa hè đường {street}",
            "Chậm cấp giấy chứng nhận quyền sử dụng đất tại {place}",
            "Đề nghị công khai quy hoạch khu dân cư mới ở {place}",
        ],
        [
            "Hộ dân tại số {n} đường {street}, {place} xây dựng lấn chiếm vỉa hè khoảng 2 m, cản "
            "trở người đi bộ. Đề nghị kiểm tra việc cấp phép xây dựng.",
            "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất tại bộ phận một cửa {place} đã "
            "{days} ngày, quá thời hạn quy định nhưng chưa được trả kết quả, không rõ lý do.",
        ],
    ),
    (
        "y-te",
        "Y tế",
        [
            "Trạm y tế {place} thiếu thuốc điều trị bệnh mãn tính",
            "Thời gian chờ khám tại bệnh viện quá lâu",
            "Kiến nghị phun thuốc phòng chống sốt xuất huyết tại {place}",
        ],
        [
            "Người bệnh tăng huyết áp, tiểu đường ở {place} phải mua thuốc ngoài vì trạm y tế "
            "không còn thuốc bảo hiểm y tế đã {days} ngày. Đề nghị bổ sung thuốc kịp thời.",
            "Khu phố {street}, {place} có {n} ca sốt xuất huyết trong tháng, nhiều ao tù nước đọng. "
            "Đề nghị ngành y tế phun thuốc diệt muỗi và hướng dẫn người dân phòng bệnh.",
        ],
    ),
    (
        "giao-duc",
        "Giáo dục và đào tạo",
        [
            "Trường tiểu học {place} thu các khoản ngoài quy định",
            "Đề nghị sửa chữa phòng học xuống cấp tại {place}",
            "Kiến nghị tăng cường xe đưa đón học sinh vùng sâu",
        ],
        [
            "Đầu năm học, trường ở {place} thu của mỗi học sinh {n} nghìn đồng các khoản không có "
            "trong danh mục được phép thu. Phụ huynh đề nghị làm rõ và công khai các khoản thu.",
            "Nhiều phòng học của điểm trường {place} bị dột, tường nứt, không đảm bảo an toàn khi "
            "mưa bão. Đề nghị bố trí kinh phí sửa chữa trước mùa mưa.",
        ],
    ),
    (
        "tthc",
        "Thủ tục hành chính",
        [
            "Cán bộ một cửa {place} yêu cầu nộp thêm giấy tờ không có trong quy định",
            "Dịch vụ công trực tuyến báo lỗi khi nộp hồ sơ",
            "Đề nghị rút ngắn thời gian giải quyết thủ tục đăng ký kinh doanh",
        ],
        [
            "Khi làm thủ tục tại bộ phận một cửa {place}, tôi bị yêu cầu nộp bản sao có chứng thực "
            "giấy tờ đã có trên cơ sở dữ liệu quốc gia về dân cư. Đề nghị hướng dẫn đúng quy định.",
            "Cổng dịch vụ công báo lỗi mã {n} khi tải tệp đính kèm, tôi đã thử {days} lần trong "
            "ba ngày vẫn không nộp được hồ sơ. Đề nghị kiểm tra hệ thống.",
        ],
    ),
    (
        "chuyen-doi-so",
        "Chuyển đổi số",
        [
            "Ứng dụng định danh điện tử không đăng nhập được",
            "Sáng kiến số hóa sổ hộ tịch tại {place}",
            "Đề xuất dùng chữ ký số cho hồ sơ của doanh nghiệp nhỏ",
        ],
        [
            "Tôi đề xuất {place} số hóa toàn bộ sổ hộ tịch giấy, kết nối với cơ sở dữ liệu dân cư "
            "để người dân không phải xin bản sao trích lục nhiều lần. Có thể làm trong {days} ngày "
            "với {n} cán bộ.",
            "Ứng dụng định danh điện tử báo lỗi khi xác thực khuôn mặt, đã cập nhật phiên bản mới "
            "nhưng vẫn không đăng nhập được để làm thủ tục trực tuyến.",
        ],
    ),
    (
        "ha-tang-so",
        "Hạ tầng số",
        [
            "Sóng di động yếu tại {place}",
            "Đề nghị phủ sóng internet cho điểm trường {place}",
        ],
        [
            "Khu dân cư {street}, {place} có khoảng {n} hộ nhưng sóng điện thoại rất yếu, học sinh "
            "không học trực tuyến được. Đề nghị doanh nghiệp viễn thông lắp thêm trạm phát sóng.",
        ],
    ),
    (
        "an-ninh",
        "An ninh, trật tự",
        [
            "Tụ tập đua xe trái phép trên đường {street}",
            "Tiếng ồn karaoke kéo dài đến khuya tại {place}",
        ],
        [
            "Đêm nào cũng có nhóm thanh niên khoảng {n} người tụ tập đua xe trên đường {street}, "
            "{place}, gây mất an ninh trật tự. Đề nghị công an tăng cường tuần tra.",
            "Quán karaoke ở số {n} đường {street}, {place} mở nhạc to đến 1 giờ sáng, ảnh hưởng "
            "giấc ngủ của người già và trẻ nhỏ. Đề nghị kiểm tra, xử lý.",
        ],
    ),
    (
        "dien-nuoc",
        "Điện, nước sinh hoạt",
        [
            "Mất nước sinh hoạt kéo dài tại {place}",
            "Cột điện nghiêng có nguy cơ đổ trên đường {street}",
        ],
        [
            "Khu phố {street}, {place} bị mất nước sinh hoạt {days} ngày liên tục, không có thông "
            "báo trước. Đề nghị công ty cấp nước khắc phục và cấp nước tạm bằng xe bồn.",
            "Cột điện số {n} trên đường {street}, {place} bị nghiêng sau bão, dây điện võng thấp, "
            "rất nguy hiểm. Đề nghị ngành điện xử lý khẩn cấp.",
        ],
    ),
    (
        "lao-dong",
        "Lao động, việc làm, an sinh",
        [
            "Chậm chi trả trợ cấp cho người cao tuổi tại {place}",
            "Doanh nghiệp nợ bảo hiểm xã hội của người lao động",
        ],
        [
            "Mẹ tôi trên 80 tuổi ở {place} đã {days} ngày chưa nhận được trợ cấp xã hội hằng tháng. "
            "Đề nghị kiểm tra danh sách chi trả.",
            "Công ty nơi tôi làm việc tại {place} trừ lương đóng bảo hiểm xã hội nhưng {n} tháng "
            "nay không nộp cho cơ quan bảo hiểm. Đề nghị thanh tra, xử lý.",
        ],
    ),
    (
        "khcn",
        "Khoa học, công nghệ và đổi mới sáng tạo",
        [
            "Kiến nghị hỗ trợ doanh nghiệp khởi nghiệp sáng tạo tại {place}",
            "Giải pháp cảnh báo ngập bằng cảm biến giá rẻ",
        ],
        [
            "Nhóm chúng tôi đề xuất giải pháp lắp {n} cảm biến mực nước giá rẻ tại các điểm hay "
            "ngập ở {place}, gửi cảnh báo qua tin nhắn cho người dân trước khi mưa lớn.",
            "Doanh nghiệp khởi nghiệp ở {place} gặp khó khi tiếp cận quỹ hỗ trợ đổi mới sáng tạo "
            "vì thủ tục phức tạp. Kiến nghị đơn giản hóa hồ sơ và công khai tiêu chí xét chọn.",
        ],
    ),
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Điện Biên Phủ",
    "Nguyễn Huệ",
    "Phan Đình Phùng",
    "Võ Thị Sáu",
    "Hùng Vương",
    "Bà Triệu",
]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Thu Dung", "Hoàng Quốc Việt"]
ANSWERS = [
    "Cơ quan đã kiểm tra thực tế và giao đơn vị chuyên môn khắc phục trong {days} ngày.",
    "Nội dung phản ánh đúng; đơn vị đã xử lý xong và sẽ tiếp tục giám sát.",
    "Cơ quan giải thích quy định hiện hành và hướng dẫn người dân thực hiện.",
]
OUTCOMES = ["accepted", "explained", "rule_amended", "forwarded", "not_accepted"]
# Final status → the actions that lead there after "submitted" (name, status reached).
PATHS: dict[str, list[tuple[str, str]]] = {
    "submitted": [],
    "needs_info": [("request_info", "needs_info")],
    "accepted": [("accept", "accepted")],
    "in_progress": [("accept", "accepted"), ("assign", "in_progress")],
    "answer_review": [
        ("accept", "accepted"),
        ("assign", "in_progress"),
        ("draft_answer", "answer_review"),
    ],
    "answered": [
        ("accept", "accepted"),
        ("assign", "in_progress"),
        ("draft_answer", "answer_review"),
        ("approve_answer", "answered"),
    ],
    "published": [
        ("accept", "accepted"),
        ("assign", "in_progress"),
        ("draft_answer", "answer_review"),
        ("approve_answer", "answered"),
        ("publish", "published"),
    ],
    "closed": [
        ("accept", "accepted"),
        ("assign", "in_progress"),
        ("draft_answer", "answer_review"),
        ("approve_answer", "answered"),
        ("close", "closed"),
    ],
    "returned": [("return", "returned")],
    "rejected": [("reject", "rejected")],
    "merged": [("merge", "merged")],
}
# Share of each final status (answered-like 70 %, other done 10 %, open 20 %).
STATUS_WEIGHTS = {
    "answered": 10,
    "published": 35,
    "closed": 25,
    "returned": 4,
    "rejected": 3,
    "merged": 3,
    "submitted": 5,
    "needs_info": 2,
    "accepted": 3,
    "in_progress": 7,
    "answer_review": 3,
}
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class Tree:
    root: Any
    leaves: list[Any]
    centres: list[tuple[float, float]]
    # Per leaf: the geo province id and the communes (id, name) its cases happen in.
    places: list[tuple[int | None, list[tuple[int, str]]]] = field(default_factory=list)
    provinces: list[Any] = field(default_factory=list)  # the 34 province People's Committees


def build_tree(rng: random.Random) -> Tree:
    """Root, ministries, and per real province its People's Committee, departments, communes."""
    from pakn.accounts.models import Agency, Level
    from pakn.geo.models import AdministrativeUnit, UnitLevel

    units = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("code"))
    communes_of: dict[int, list[tuple[int, str]]] = {}
    for pk, parent, name in AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).values_list(
        "pk", "parent_id", "name"
    ):
        communes_of.setdefault(parent, []).append((pk, name))
    root = Agency.objects.create(code="bench-root", name="Văn phòng Chính phủ", level=Level.CENTRAL)
    tree = Tree(root, [], [])
    everywhere = [c for cs in communes_of.values() for c in cs][:500] or [(0, "")]
    for m in range(MINISTRIES):
        tree.leaves.append(
            Agency.objects.create(
                code=f"bench-bo-{m}", name=f"Bộ số {m + 1}", level=Level.CENTRAL, parent=root
            )
        )
        tree.centres.append((21.03, 105.85))
        tree.places.append((None, everywhere))
    for p in range(PROVINCES):
        unit = units[p] if p < len(units) else None
        label = unit.name if unit else f"tỉnh số {p + 1}"
        communes = communes_of.get(unit.pk, []) if unit else []
        centre = (rng.uniform(9.0, 22.8), rng.uniform(103.0, 109.0))
        province = Agency.objects.create(
            code=f"bench-tinh-{p}",
            name=f"UBND {label}",
            level=Level.PROVINCE,
            parent=root,
            unit=unit,
        )
        tree.provinces.append(province)
        tree.leaves.append(province)
        tree.centres.append(centre)
        tree.places.append((unit.pk if unit else None, communes or [(0, "")]))
        for d in range(DEPARTMENTS):
            tree.leaves.append(
                Agency.objects.create(
                    code=f"bench-so-{p}-{d}",
                    name=f"Sở {FIELDS[d][1]} {label}",
                    level=Level.PROVINCE,
                    parent=province,
                )
            )
            tree.centres.append(centre)
            tree.places.append((unit.pk if unit else None, communes or [(0, "")]))
        for c in range(COMMUNES):
            commune = communes[c % len(communes)] if communes else (0, f"xã số {c + 1}")
            tree.leaves.append(
                Agency.objects.create(
                    code=f"bench-xa-{p}-{c}",
                    name=f"UBND {commune[1]}, {label}",
                    level=Level.COMMUNE,
                    parent=province,
                )
            )
            tree.centres.append(
                (centre[0] + rng.uniform(-0.4, 0.4), centre[1] + rng.uniform(-0.4, 0.4))
            )
            tree.places.append((unit.pk if unit else None, [commune]))
    return tree


def tracking_code(index: int) -> str:
    """A valid, unique tracking code per index (the real generator is random, and a million
    random codes would collide about once)."""
    from pakn.core.tracking import check_character

    n = len(TRACKING_ALPHABET)
    body = ""
    value = index * 7_919 + 104_729  # spread neighbouring indexes apart
    for _ in range(8):
        body += TRACKING_ALPHABET[value % n]
        value //= n
    return body + check_character(body)


_FORMATTER = string.Formatter()


@functools.cache
def _parsed(template: str) -> list[tuple[str, str | None]]:
    return [(literal, name) for literal, name, _spec, _conv in _FORMATTER.parse(template)]


# MinHash vector of every distinct segment: a text's MinHash is the element-wise minimum of its
# segments' (the minimum over a union of token sets), so each text costs one gather and one min.
PIECE_VECTORS: list[Any] = []


@functools.lru_cache(maxsize=262144)
def _piece(text: str, without_marks: bool) -> tuple[str, str, tuple[str, ...], int]:
    """One template segment or value: as typed, folded (unstripped), content tokens, and the
    index of its MinHash vector in PIECE_VECTORS."""
    import numpy as np

    from pakn.core.text import nfc, strip_diacritics
    from pakn.intelligence import duplicates as D

    typed = strip_diacritics(text) if without_marks else text
    tokens = tuple(D.content_tokens(typed))
    vector = (
        D.minhash(D.token_hashes(tokens))
        if tokens
        else np.full(D.NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    )
    PIECE_VECTORS.append(vector)
    return typed, strip_diacritics(nfc(typed)).lower(), tokens, len(PIECE_VECTORS) - 1


@dataclass(frozen=True)
class Text:
    typed: str
    key: str  # equal to pakn.core.text.fold(typed)
    tokens: list[str]  # equal to pakn.intelligence.duplicates.content_tokens(typed)
    pieces: list[int]


def render(template: str, values: dict[str, Any], *, without_marks: bool) -> Text:
    """Fill a template; segments are folded, tokenised and MinHashed once and cached (doing it
    for a million whole texts would cost more than loading them)."""
    typed: list[str] = []
    keys: list[str] = []
    tokens: list[str] = []
    pieces: list[int] = []
    for literal, name in _parsed(template):
        for piece in (literal, str(values[name]) if name else ""):
            if piece:
                t, k, w, v = _piece(piece, without_marks)
                typed.append(t)
                keys.append(k)
                tokens.extend(w)
                pieces.append(v)
    return Text("".join(typed), " ".join("".join(keys).split()), tokens, pieces)


def minhashes(docs: list[list[int]]) -> Any:
    """MinHash signatures of a batch of texts given by their segment indexes."""
    import numpy as np

    width = max(len(d) for d in docs)
    index = np.array([d + [d[0]] * (width - len(d)) for d in docs], dtype=np.int64)
    return np.stack(PIECE_VECTORS)[index].min(axis=1)


def event_hash(values: dict[str, Any]) -> str:
    from pakn.cases.log import event_hash as product_hash

    return product_hash(SimpleNamespace(**values))  # type: ignore[arg-type]


def _admin_url(base_url: str | None) -> tuple[urllib.parse.SplitResult, str]:
    parts = urllib.parse.urlsplit(base_url or os.environ.get("DATABASE_URL") or DEFAULT_PG)
    return parts, urllib.parse.urlunsplit(parts._replace(path="/postgres"))


def create_database(base_url: str | None = None, name: str = "") -> str:
    """A fresh PostgreSQL database (default ``pakn_bench_<pid>``) on the server of
    ``base_url``; returns its URL."""
    import psycopg

    parts, admin_url = _admin_url(base_url)
    name = name or f"pakn_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    parts, admin_url = _admin_url(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def throwaway_database(base_url: str | None = None) -> Iterator[str]:
    """``create_database``, dropped on exit."""
    url = create_database(base_url)
    try:
        yield url
    finally:
        drop_database(url)


def postgres_reachable(url: str | None = None) -> bool:
    try:
        import psycopg

        parts = urllib.parse.urlsplit(url or os.environ.get("DATABASE_URL") or DEFAULT_PG)
        if not parts.scheme.startswith("postgres"):
            return False
        with psycopg.connect(
            urllib.parse.urlunsplit(parts._replace(path="/postgres")), connect_timeout=3
        ):
            return True
    except Exception:
        return False


def due_after(day: Any, days: int) -> datetime:
    from pakn.core.workdays import VN_TZ, add_working_days

    return add_working_days(datetime.combine(day, dtime(9), tzinfo=VN_TZ), days)


due_after_cached = functools.lru_cache(maxsize=None)(due_after)
