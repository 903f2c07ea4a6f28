"""Fuzzing from the spec (schemathesis, bounded, loopback only): whatever it sends, the broker
answers without a 5xx and as its spec says (status codes, content types, schemas)."""
import base64

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks as st_checks

from esm.app import load_spec
from tests.osb import FUZZ_CREDENTIALS

schema = schemathesis.openapi.from_dict(load_spec())
AUTH = "Basic " + base64.b64encode(":".join(FUZZ_CREDENTIALS).encode()).decode()


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_broker_answers_any_request_as_its_spec_says(case, fuzz_broker):
    # requests carry a valid version header, so the fuzzing reaches past the 412
    case.headers = {**(case.headers or {}), "X-Broker-API-Version": "2.17"}
    case.call_and_validate(
        base_url=f"{fuzz_broker}/v2", headers={"Authorization": AUTH},
        excluded_checks=[st_checks.positive_data_acceptance,  # valid shape, unknown ids: 4xx is right
                         st_checks.missing_required_header])  # the middleware answers 412, not 400
