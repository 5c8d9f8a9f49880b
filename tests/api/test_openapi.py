from __future__ import annotations

import pytest

CONTRACT_PATHS = {
    ("post", "/api/v1/submissions"),
    ("get", "/api/v1/submissions/{tracking_code}"),
    ("post", "/api/v1/submissions/{tracking_code}/info"),
    ("post", "/api/v1/submissions/{tracking_code}/rating"),
    ("get", "/api/v1/fields"),
    ("get", "/api/v1/agencies"),
    ("get", "/api/v1/published"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/actions/{action}"),
}
ACTIONS = {
    "accept",
    "return",
    "reject",
    "assign",
    "request_info",
    "transfer",
    "forward",  # issue #7: forward to another PAKN system (liên thông)
    "coordinate",
    "note",
    "draft_answer",
    "approve_answer",
    "return_answer",
    "publish",
    "close",
    "reopen",
    "merge",
    "extend",
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_openapi_document_lists_every_contract_path(document):
    assert document["info"]["version"] == "1"
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed >= CONTRACT_PATHS


def test_action_endpoint_documents_one_body_per_action(document):
    operation = document["paths"]["/api/v1/cases/{id}/actions/{action}"]["post"]
    variants = operation["requestBody"]["content"]["application/json"]["schema"]["anyOf"]
    assert {v["title"] for v in variants} == ACTIONS
    assert operation["security"]


def test_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_unknown_api_address_answers_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unexpected_exception_answers_json_500(client, monkeypatch, db):
    from pakn.api import public

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(public.Field.objects, "active", broken)
    response = client.get("/api/v1/fields")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "lỗi" in response.json()["message"]


def test_body_too_large_is_413(client, settings, db):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client.post(
        "/api/v1/submissions", '{"title": "' + "x" * 500 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
