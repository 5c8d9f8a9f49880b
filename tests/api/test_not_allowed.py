"""Every address of the REST API answers in its JSON error shape, whatever the method."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/fields", "GET"),
        ("delete", "/api/v1/submissions", "POST"),
        ("get", "/api/v1/submissions", "POST"),
        ("patch", "/api/v1/cases/1", "GET"),
        ("delete", "/api/v1/cases/1/actions/accept", "POST"),
    ],
)
def test_unsupported_method_is_json_405_with_stable_code(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == allowed
    body = json.loads(response.content)
    assert body["code"] == "not_allowed"
    assert body["message"].startswith(f"Phương thức {method.upper()} không được hỗ trợ")
    assert body["fields"] == {}


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_unknown_api_path_is_json_404(client, method):
    response = getattr(client, method)("/api/v1/khong-co/gi")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "not_found"


def test_supported_methods_are_untouched(client):
    response = client.get("/api/v1/fields")
    assert response.status_code == 200
    assert "Allow" not in response


def test_openapi_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert client.get("/api/v1/openapi.json").status_code == 200
