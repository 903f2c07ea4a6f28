"""esm/errors.py is the one catalogue of error answers: no other module of the broker writes an
error body by hand, and each status another library decides maps to a class of it."""
import json
import re
from pathlib import Path

import pytest

from esm import errors

ESM = Path(__file__).resolve().parent.parent / "esm"


def test_no_module_but_the_catalogue_writes_an_error_body():
    hand_written = re.compile(r"""["']error["']\s*:""")
    offenders = [f"{path.relative_to(ESM.parent)}:{n}"
                 for path in ESM.rglob("*.py") if path.name != "errors.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if hand_written.search(line)]
    assert not offenders, f"error bodies written outside esm/errors.py: {offenders}"


@pytest.mark.parametrize("status,code", [(400, "BadRequest"), (401, "Unauthorized"),
                                         (404, "NotFound"), (405, "MethodNotAllowed"),
                                         (406, "NotAcceptable"), (409, "Conflict"),
                                         (413, "PayloadTooLarge"), (422, "UnprocessableEntity"),
                                         (500, "InternalError")])
def test_a_status_chosen_elsewhere_keeps_its_status_and_gets_its_code(status, code):
    error = errors.for_status(status, "what happened")
    assert (error.status, error.code) == (status, code)
    sent_status, headers, body = error.encoded()
    assert sent_status == status
    assert json.loads(body) == {"error": code, "description": "what happened"}
    assert dict(headers)[b"content-length"] == str(len(body)).encode()


def test_a_body_refused_for_its_content_type_is_a_400_saying_what_to_send():
    error = errors.for_status(415, "Invalid Content-type (text/plain)")
    assert (error.status, error.code) == (400, "BadRequest")
    assert error.description.endswith("send the body as Content-Type: application/json")


def test_a_status_without_a_class_keeps_its_status_and_the_code_it_is_given():
    assert (errors.for_status(418, "x", unknown_code="HTTPError").encoded()[0],
            errors.for_status(418, "x", unknown_code="HTTPError").code) == (418, "HTTPError")
    assert errors.for_status(418, "x").code == "BadRequest"
    assert errors.for_status(507, "x").code == "InternalError"


def test_headers_go_out_with_the_answer():
    error = errors.ServiceUnavailable("retry later", headers={"Retry-After": "5"})
    assert (b"retry-after", b"5") in error.encoded()[1]
    assert errors.Gone("gone").encoded()[2] == b"{}"


def test_a_failure_in_a_plain_route_is_a_500_with_an_osb_error_body(monkeypatch):
    """What escapes the protocol layer (here /health's check) is answered from the catalogue
    with the request identity echoed, not dropped by the server-error layer outside it."""
    from starlette.testclient import TestClient

    from esm import health
    from esm.app import create_app
    from esm.config import Settings

    def broken(self):
        raise RuntimeError("probe broke")

    monkeypatch.setattr(health.Health, "check", broken)
    with TestClient(create_app(Settings(store_url="memory")), raise_server_exceptions=False) as client:
        answer = client.get("/health", headers={"X-Broker-API-Request-Identity": "r-1"})
    assert answer.status_code == 500
    assert answer.json() == {"error": "InternalError",
                             "description": "the broker failed unexpectedly; see its log"}
    assert answer.headers["x-broker-api-request-identity"] == "r-1"
