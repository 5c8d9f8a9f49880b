"""The public map of published answers: clusters from a JSON endpoint with the list's filters,
only published cases, coordinates rounded to about 100 m, no point for a home address."""

from __future__ import annotations

import pytest

from pakn.cases import services as S
from pakn.core.tracking import format_tracking_code
from pakn.portal.selectors import published_clusters, search_published

from .conftest import drive, lang_son

pytestmark = pytest.mark.django_db

EXACT = (21.853142, 106.761234)


def _published(world, **overrides):
    result = S.submission_intake(data=world.intake_data(**overrides))
    return drive(world, result.case, "published")


def _located(**overrides):
    return {"latitude": EXACT[0], "longitude": EXACT[1], **overrides}


def test_clusters_hold_only_published_cases_with_rounded_points(client, world):
    shown = _published(world, **_located(title="Đèn đường hỏng ở Đông Kinh"))
    drive(world, world.new_case(**_located(title="Đã trả lời, chưa công khai")), "answered")
    world.new_case(**_located(title="Mới gửi"))
    data = client.get("/published/map.json", {"zoom": "16"}).json()
    assert data["total"] == 1
    [cluster] = data["clusters"]
    assert (cluster["lat"], cluster["lng"]) == (21.853, 106.761)
    assert cluster["items"] == [
        {
            "title": shown.public_title,
            "url": f"/published/{shown.submission.tracking_code}/",
        }
    ]
    body = client.get("/published/map.json", {"zoom": "16"}).content.decode()
    assert "21.853142" not in body and "106.761234" not in body
    assert "Nguyễn Văn An" not in body and "chưa công khai" not in body


def test_clusters_follow_the_list_filters_and_the_bbox(client, world):
    province = lang_son()
    _published(world, **_located(province_id=province.pk))
    _published(world, kind="recommendation", latitude=19.807, longitude=105.776)
    assert client.get("/published/map.json").json()["total"] == 2
    assert client.get("/published/map.json", {"kind": "recommendation"}).json()["total"] == 1
    assert client.get("/published/map.json", {"province": province.pk}).json()["total"] == 1
    inside = client.get("/published/map.json", {"bbox": "106.7,21.8,106.8,21.9"}).json()
    assert inside["total"] == 1
    bad = client.get("/published/map.json", {"bbox": "1,2,3"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_bbox"
    assert "Vùng bản đồ không hợp lệ" in bad.json()["message"]


def test_nearby_answers_merge_into_one_cluster_when_zoomed_out(world):
    for i in range(3):
        _published(world, latitude=21.85 + i * 0.01, longitude=106.76)
    coarse = published_clusters(cases=search_published(), zoom=6)
    assert [c["count"] for c in coarse["clusters"]] == [3]
    fine = published_clusters(cases=search_published(), zoom=16)
    assert sorted(c["count"] for c in fine["clusters"]) == [1, 1, 1]


def test_a_place_that_is_the_submitters_home_is_not_on_the_public_map(client, world):
    case = _published(
        world, **_located(address="34 Trần Hưng Đạo", submitter_address="34 Trần Hưng Đạo")
    )
    assert client.get("/published/map.json").json()["total"] == 0
    code = format_tracking_code(case.submission.tracking_code)
    html = client.get(f"/published/{code}/").content.decode()
    assert "data-map-point" not in html


def test_detail_shows_the_rounded_point_only(client, world):
    case = _published(world, **_located())
    html = client.get(f"/published/{case.submission.tracking_code}/").content.decode()
    assert 'data-lat="21.853000"' in html and 'data-lng="106.761000"' in html
    assert "21.853142" not in html and "106.761234" not in html
    assert "làm tròn khoảng 100 m" in html
    unlocated = _published(world)
    html = client.get(f"/published/{unlocated.submission.tracking_code}/").content.decode()
    assert "data-map-point" not in html


def test_list_stays_the_default_and_the_map_is_a_tab_with_the_same_filters(client, world):
    _published(world, **_located(title="Đèn đường hỏng ở Đông Kinh"))
    html = client.get("/published/", {"kind": "report"}).content.decode()
    assert "Đèn đường hỏng ở Đông Kinh" in html and "data-map-clusters" not in html
    assert "view=map" in html
    page = client.get("/published/", {"kind": "report", "view": "map"}).content.decode()
    assert "data-map-clusters" in page
    assert 'data-url="/published/map.json?kind=report"' in page
    assert "Bản đồ cần JavaScript" in page  # said to browsers without it, with the list link


def test_detail_states_the_rounded_point_with_decimal_points(client, world):
    case = _published(world, **_located())
    html = client.get(f"/published/{case.submission.tracking_code}/").content.decode()
    assert "Khoảng vĩ độ 21.853, kinh độ 106.761" in html
    assert "21,853" not in html
