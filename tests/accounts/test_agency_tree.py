from __future__ import annotations

import pytest

from pakn.accounts.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    root = AgencyFactory(code="root", level="central")
    province = AgencyFactory(code="province", parent=root)
    dept = AgencyFactory(code="dept", parent=province)
    commune = AgencyFactory(code="commune", parent=province, level="commune")
    other = AgencyFactory(code="other-province", parent=root)
    return root, province, dept, commune, other


def test_subtree_is_one_prefix_query(tree, django_assert_num_queries):
    _root, province, _dept, _commune, _other = tree
    with django_assert_num_queries(1):
        codes = set(Agency.objects.subtree_of(province).values_list("code", flat=True))
    assert codes == {"province", "dept", "commune"}


def test_root_subtree_holds_everything(tree):
    assert Agency.objects.subtree_of(tree[0]).count() == 5


def test_moving_an_agency_moves_its_descendants(tree):
    _root, province, dept, _commune, other = tree
    province.parent = other
    province.save()
    assert set(Agency.objects.subtree_of(other).values_list("code", flat=True)) == {
        "other-province",
        "province",
        "dept",
        "commune",
    }
    dept.refresh_from_db()
    assert dept.is_within(other)
    assert [a.code for a in dept.ancestors()] == ["root", "other-province", "province"]


def test_an_agency_cannot_become_its_own_descendant(tree):
    _root, province, dept, *_ = tree
    province.parent = dept
    with pytest.raises(ValueError, match="cấp dưới của chính nó"):
        province.save()


def test_depth(tree):
    root, province, dept, *_ = tree
    assert (root.depth, province.depth, Agency.objects.get(pk=dept.pk).depth) == (1, 2, 3)
