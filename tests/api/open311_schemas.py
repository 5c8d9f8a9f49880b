"""JSON Schemas written from the GeoReport v2 specification (http://wiki.open311.org/GeoReport_v2),
and a reader that turns the XML form into the same structure so both formats are validated by
the same schema.

The specification lists every field of each response; ours emits all of them, so every field is
required here, and a field the specification allows to be empty admits null. XML has no null:
an empty element reads as null where the schema admits it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import jsonschema_rs

DATETIME = {
    "type": "string",
    # "a common subset of ISO 8601 ... Timezone information must be included"
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
STRING = {"type": "string"}
OPTIONAL_STRING = {"type": ["string", "null"]}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


DISCOVERY = _object(
    {
        "changeset": DATETIME,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": _object(
                {
                    "specification": {"const": "http://wiki.open311.org/GeoReport_v2"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "changeset": DATETIME,
                    "type": {"enum": ["production", "test"]},
                    "formats": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"enum": ["text/xml", "application/json"]},
                    },
                }
            ),
        },
    }
)

SERVICES = {
    "type": "array",
    "items": _object(
        {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": STRING,
            "description": STRING,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": STRING,
            "group": STRING,
        }
    ),
}

_ATTRIBUTE_FIELDS = {
    "variable": {"type": "boolean"},
    "code": {"type": "string", "minLength": 1},
    "datatype": {
        "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    },
    "required": {"type": "boolean"},
    "datatype_description": OPTIONAL_STRING,
    "order": {"type": "integer", "minimum": 0},
    "description": STRING,
    "values": {
        "type": "array",
        "items": _object({"key": {"type": "string", "minLength": 1}, "name": STRING}),
    },
}
SERVICE_DEFINITION = _object(
    {
        "service_code": {"type": "string", "minLength": 1},
        "attributes": {
            "type": "array",
            "items": {
                **_object(_ATTRIBUTE_FIELDS, [k for k in _ATTRIBUTE_FIELDS if k != "values"]),
                # "values: ... only used for singlevaluelist or multivaluelist"
                "if": {"properties": {"datatype": {"enum": ["singlevaluelist", "multivaluelist"]}}},
                "then": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
                "else": {"not": {"required": ["values"]}},
            },
        },
    }
)

REQUEST = _object(
    {
        "service_request_id": {"type": "string", "minLength": 1},
        "status": {"enum": ["open", "closed"]},
        "status_notes": OPTIONAL_STRING,
        "service_name": OPTIONAL_STRING,
        "service_code": STRING,
        "description": OPTIONAL_STRING,
        "agency_responsible": OPTIONAL_STRING,
        "service_notice": OPTIONAL_STRING,
        "requested_datetime": DATETIME,
        "updated_datetime": {"anyOf": [DATETIME, {"type": "null"}]},
        "expected_datetime": {"anyOf": [DATETIME, {"type": "null"}]},
        "address": OPTIONAL_STRING,
        "address_id": OPTIONAL_STRING,
        "zipcode": OPTIONAL_STRING,
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "long": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "media_url": OPTIONAL_STRING,
    }
)
REQUESTS = {"type": "array", "items": REQUEST}

CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        **_object(
            {
                "service_request_id": {"type": "string", "minLength": 1},
                "token": {"type": "string", "minLength": 1},
                "service_notice": OPTIONAL_STRING,
                "account_id": OPTIONAL_STRING,
            },
            [],
        ),
        # "service_request_id ... or token"
        "anyOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
    },
}

TOKEN = {
    "type": "array",
    "minItems": 1,
    "items": _object(
        {"service_request_id": OPTIONAL_STRING, "token": {"type": "string", "minLength": 1}}
    ),
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": _object(
        {"code": {"type": "integer"}, "description": {"type": "string", "minLength": 1}}
    ),
}

# Root element and the element of each list item, as in the specification's XML examples.
XML_ROOTS = {
    id(DISCOVERY): "discovery",
    id(SERVICES): "services",
    id(SERVICE_DEFINITION): "service_definition",
    id(REQUESTS): "service_requests",
    id(CREATED): "service_requests",
    id(TOKEN): "service_requests",
    id(ERRORS): "errors",
}
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _types(schema: dict[str, Any]) -> set[str]:
    if "anyOf" in schema and "properties" not in schema:
        return {t for option in schema["anyOf"] for t in _types(option)}
    kind = schema.get("type")
    if kind is None:
        return {"string"}  # enum / const of strings
    return {kind} if isinstance(kind, str) else set(kind)


def _read(element: ET.Element, schema: dict[str, Any]) -> Any:
    types = _types(schema)
    if "array" in types:
        item_tag = ITEM_TAGS[element.tag]
        children = list(element)
        assert all(child.tag == item_tag for child in children), (element.tag, children)
        return [_read(child, schema["items"]) for child in children]
    if "object" in types:
        properties = schema["properties"]
        out: dict[str, Any] = {}
        for child in element:
            assert child.tag in properties, f"<{child.tag}> not in the specification"
            assert child.tag not in out, f"<{child.tag}> twice"
            out[child.tag] = _read(child, properties[child.tag])
        return out
    assert len(element) == 0, f"<{element.tag}> should hold text"
    text = element.text or ""
    if text == "" and "null" in types:
        return None
    if "boolean" in types:
        assert text in ("true", "false"), text
        return text == "true"
    if "integer" in types:
        return int(text)
    if "number" in types:
        return float(text)
    return text


def xml_data(content: bytes, schema: dict[str, Any]) -> Any:
    """Parse (which fails on anything not well-formed) and read in the schema's shape."""
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), content[:60]
    root = ET.fromstring(content)  # noqa: S314 - our own response, in a test
    assert root.tag == XML_ROOTS[id(schema)], root.tag
    return _read(root, schema)


def assert_valid(data: Any, schema: dict[str, Any]) -> None:
    errors = [str(error) for error in jsonschema_rs.validator_for(schema).iter_errors(data)]
    assert not errors, "\n".join(errors)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _blank_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_to_none(v) for v in value]
    return None if value == "" else value


def check(response: Any, schema: dict[str, Any], status: int = 200) -> Any:
    """Status, exact content type, schema; returns the data (JSON, or XML read as JSON)."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    content_type = response["Content-Type"]
    if content_type == "application/json":
        data = json.loads(response.content)
    else:
        assert content_type == "text/xml", content_type
        data = xml_data(response.content, schema)
    assert_valid(data, schema)
    return data


def get_both(client: Any, path: str, schema: dict[str, Any], **params: Any) -> Any:
    """GET ``path.json`` and ``path.xml`` (status 200): both valid, both the same content."""
    as_json = check(client.get(f"/open311/v2/{path}.json", params), schema)
    as_xml = check(client.get(f"/open311/v2/{path}.xml", params), schema)
    assert _blank_to_none(as_json) == _blank_to_none(as_xml)
    return as_json
