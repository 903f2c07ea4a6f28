"""Log lines as an operator's collector reads them: no terminal control codes, the server's own
lines under the ESM's logger names, RFC 3339 times with milliseconds and zone, and refused
requests logged with the route they aimed at."""
import json
import re
import time

import httpx

from tests.process import BrokerProcess

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_json_lines_carry_no_colour_codes_and_name_every_logger_as_the_esm(tmp_path):
    process = BrokerProcess(tmp_path, {"ESM_LOG_FORMAT": "json", "ESM_BROKER_USERNAME": "u",
                                       "ESM_BROKER_PASSWORD": "p"}).wait_ready()
    httpx.put(f"{process.url}/v2/service_instances/i1", headers={"X-Broker-API-Version": "2.17"})
    httpx.put(f"{process.url}/v2/service_instances/i1", auth=("u", "p"))
    time.sleep(0.3)
    output = process.output()
    assert "\x1b" not in output and "color_message" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines and all(RFC3339_MS.match(line["time"]) for line in lines)
    assert not [line for line in lines if line["logger"].startswith("uvicorn")]
    assert any(line["logger"] == "esm.server" and "Started server process" in line["message"]
               for line in lines)
    refused = {line["status"]: line["route"] for line in lines
               if line["logger"] == "esm.access" and line["status"] in (401, 412)}
    assert refused == {401: "instances.provision", 412: "instances.provision"}


def test_text_lines_carry_no_colour_codes_and_an_rfc3339_time(tmp_path):
    process = BrokerProcess(tmp_path).wait_ready()
    output = process.output()
    assert "\x1b" not in output and "color_message" not in output and " uvicorn" not in output
    first = output.splitlines()[0]
    assert RFC3339_MS.match(first.split(" ", 1)[0]), first
