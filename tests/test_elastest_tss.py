"""ElasTest's test support services (TSS), registered, provisioned and read as ElasTest's
orchestrator (TORM) does with the seed ESM: a service type with ElasTest's extra fields (as in a
TSS's elastestservice.json), a compose 2.1 manifest joining the platform's external network,
endpoints keyed by compose service and config setting descriptors; the instance view's
`context.<service>_Ip`, `id` and `manifest_id`; bind credentials. Two instances side by side on
the real engine, each reachable where its view says, and nothing left of them afterwards."""
import copy
import json

import httpx
import pytest
import yaml

from adapters.backends.docker.endpoints import url_parts
from adapters.backends.docker.naming import SERVICE_LABEL
from adapters.datastore import InMemoryStore
from esm.config import Settings
from esm.models import ServiceInstance
from tests.docker_engine import IMAGE, new_instance_id
from tests.osb import assert_osb_error
from tests.server import broker
from tests.test_docker import labelled

SERVICE_ID, PLAN_ID, MANIFEST_ID = "29216b91-tss", "b4cfc681-tss-plan", "2bd62bc2-tss-manifest"
I = "/v2/service_instances"
# ElasTest's registration, shaped as elastestservice.json (short_name, requires, tags, plan
# metadata with costs, free) and sent as TORM sends it
REGISTER = {
    "description": "A test support service like ElasTest's EUS", "id": SERVICE_ID,
    "name": "TSS", "short_name": "TSS", "bindable": True, "plan_updateable": False,
    "plans": [{"bindable": True, "description": "Basic plan for TSS", "free": True, "id": PLAN_ID,
               "metadata": {"bullets": "basic plan", "costs": {
                   "description": "cost model", "currency": "eur", "model": "pay-as-you-go",
                   "model_param": {"setup_cost": 3.5},
                   "meter_list": [{"meter_name": "browser", "meter_type": "counter",
                                   "unit_cost": 5, "unit": "instance-hour"}]}},
               "name": "TSS plan"}],
    "requires": [], "tags": ["browser", "gui automation"],
}
ENDPOINTS = {
    "tss-web": {
        "description": "The TSS API, its status page and its GUI", "main": True,
        "api": [{"protocol": "http", "port": 8080, "path": "/",
                 "definition": {"type": "openapi", "path": "/api.yaml"}},
                {"name": "status", "protocol": "http", "port": 8081, "path": "/index.html"}],
        "gui": {"protocol": "angular", "path": "app-elastest-tss"},
    },
    "tss-db": {"description": "Its store", "main": False, "api": {"protocol": "http", "port": 8080}},
}
CONFIG = {
    "webRtcStats": {"type": "boolean", "label": "Gather WebRTC statistics", "default": False},
    "ET_NO_DEFAULT": {"type": "string", "label": "A setting without a default"},
    "PLAIN": "from-config", "LIMITS": {"cpu": 1},
}


def compose(external: str) -> str:
    """ElasTest's style: 2.1, `expose`, `links`, `container_name`, list environment, the
    platform's network external (8081 is only exposed, 8080 of tss-web also published)."""
    return yaml.safe_dump({
        "version": "2.1",
        "services": {
            "tss-web": {"image": IMAGE, "container_name": "tss-web",
                        "command": ["sh", "-c", "httpd -p 8081 -h /www && exec httpd -f -p 8080 -h /www"],
                        "environment": ["USE_TORM=true", "ROLE=web"], "expose": [8080, 8081],
                        "ports": ["8080"], "links": ["tss-db:database"], "depends_on": ["tss-db"],
                        "networks": ["back", external]},
            "tss-db": {"image": IMAGE, "command": ["httpd", "-f", "-p", "8080", "-h", "/www"],
                       "environment": ["ROLE=db"], "expose": ["8080"], "networks": ["back"]},
        },
        "networks": {"back": {"driver": "bridge"}, external: {"external": True}},
    })


def manifest_body(external: str, **changes) -> dict:
    body = {"id": MANIFEST_ID, "manifest_content": compose(external), "manifest_type": "docker-compose",
            "plan_id": PLAN_ID, "service_id": SERVICE_ID, "endpoints": copy.deepcopy(ENDPOINTS),
            "config": copy.deepcopy(CONFIG)}
    body.update(changes)
    return body


def register_tss(api, external: str, **changes):
    assert api.put("/v2/et/catalog", json=REGISTER).status_code in (200, 201)
    return api.put(f"/v2/et/manifest/{MANIFEST_ID}", json=manifest_body(external, **changes))


def provision_tss(api, instance_id: str, parameters: dict) -> dict:
    """Provision as TORM does: its body (org, space, string parameters, empty context) and the
    seed's `accept_incomplete=false`, so the request returns once the instance is ready."""
    body = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "org",
            "space_guid": "space", "parameters": parameters, "context": {}}
    response = api.put(f"{I}/{instance_id}", params={"accept_incomplete": "false"}, json=body,
                       timeout=90)
    assert response.status_code == 201, response.text
    return api.get(f"{I}/{instance_id}/last_operation").json()


def deprovision_tss(api, instance_id: str) -> None:
    """Deprovision as TORM does: synchronously, with the seed's spelling."""
    response = api.delete(f"{I}/{instance_id}", params={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "accept_incomplete": "false"}, timeout=90)
    assert response.status_code == 200, response.text


def fetch_from(client, network: str, uri: str) -> str:
    """What `uri` answers to a container on `network` (as TORM, on ElasTest's network, reaches
    a TSS)."""
    output = client.containers.run(IMAGE, ["wget", "-q", "-O", "-", uri], network=network,
                                   remove=True, labels={"esm-test": "fetch"})
    return output.decode()


def test_a_tss_runs_twice_side_by_side_where_its_view_says_and_goes_away(client, tmp_path,
                                                                         external_network):
    settings = Settings(store_url=f"sqlite:///{tmp_path}/esm.db",
                        docker_external_networks=(external_network,))
    with broker(settings) as api:
        response = register_tss(api, external_network)
        assert response.status_code == 201, response.text
        stored = api.get(f"/v2/et/manifest/{MANIFEST_ID}").json()
        assert (stored["endpoints"], stored["config"]) == (ENDPOINTS, CONFIG)  # unchanged
        first, second = new_instance_id(), new_instance_id()
        seen = {}
        try:
            for iid in (first, second):
                assert provision_tss(api, iid, {"ET_TJOB_ID": "7", "PLAIN": "from-param"})["state"] == "succeeded"
            for iid in (first, second):
                containers = {c.labels[SERVICE_LABEL]: c for c in labelled(client, iid)["containers"]}
                web, db = containers["tss-web"], containers["tss-db"]
                env = set(web.attrs["Config"]["Env"])
                # descriptor default, parameters over config, compose list environment, JSON
                assert {"webRtcStats=false", "PLAIN=from-param", "ET_TJOB_ID=7", "USE_TORM=true",
                        'LIMITS={"cpu": 1}'} <= env
                assert not any(e.startswith("ET_NO_DEFAULT=") for e in env)

                response = api.get(f"/v2/et/service_instances/{iid}")
                assert response.status_code == 200, response.text
                view = response.json()
                back = next(n for n in db.attrs["NetworkSettings"]["Networks"] if n.endswith("-back"))
                web_ip = web.attrs["NetworkSettings"]["Networks"][external_network]["IPAddress"]
                db_ip = db.attrs["NetworkSettings"]["Networks"][back]["IPAddress"]
                assert view["context"] == {"id": iid, "manifest_id": MANIFEST_ID,
                                           "tss-web_Ip": web_ip, "tss-db_Ip": db_ip}
                host_port = int(web.attrs["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"])
                api_ep, status_ep = view["endpoints"]["tss-web"]["api"]
                assert api_ep["network"] == {"host": web_ip, "port": 8080, "protocol": "http", "path": "/",
                                             "uri": f"http://{web_ip}:8080/"}
                assert api_ep["published"] == {"host": "127.0.0.1", "port": host_port, "protocol": "http",
                                               "path": "/", "uri": f"http://127.0.0.1:{host_port}/"}
                assert "published" not in status_ep  # 8081 is only exposed
                assert view["endpoints"]["tss-web"]["gui"] == ENDPOINTS["tss-web"]["gui"]
                assert view["endpoints"]["tss-db"]["api"]["network"]["uri"] == f"http://{db_ip}:8080/"
                text = json.dumps(view)
                for secret in ("USE_TORM", "from-config", "webRtcStats", "credentials"):
                    assert secret not in text, secret  # no environment, config or credentials

                # reachable where the view says: on the platform's network, and on the host
                assert "esm test page" in fetch_from(client, external_network, api_ep["network"]["uri"])
                assert "esm test page" in fetch_from(client, external_network, status_ep["network"]["uri"])
                assert "esm test page" in httpx.get(api_ep["published"]["uri"], timeout=10).text

                bound = api.put(f"{I}/{iid}/service_bindings/b-{iid}",
                                json={"service_id": SERVICE_ID, "plan_id": PLAN_ID})
                assert bound.status_code == 201, bound.text
                credentials = bound.json()["credentials"]
                assert credentials == view["endpoints"]  # the same located endpoints
                assert bound.json()["endpoints"] == [{"host": "127.0.0.1", "ports": [str(host_port)],
                                                      "protocol": "tcp"}]
                seen[iid] = (web_ip, host_port)
            assert seen[first] != seen[second]  # each its own address and host port
            listing = api.get("/v2/et/service_instances").json()
            assert {i["id"]: i["context"] for i in listing} == {  # the platform's: no engine asked
                iid: {} for iid in (first, second)}
        finally:
            for iid in (first, second):
                deprovision_tss(api, iid)
        for iid in (first, second):
            assert not any(labelled(client, iid).values())
    assert client.networks.get(external_network).name == external_network  # never removed
    assert client.containers.list(all=True, filters={"label": "esm-test=fetch"}) == []


def test_the_view_is_served_without_addresses_while_the_engine_is_away(tmp_path):
    store = InMemoryStore()
    settings = Settings(store_url="memory", docker_host=f"unix://{tmp_path}/no-engine.sock",
                        docker_external_networks=("elastest_elastest",))
    with broker(settings, store=store) as api:
        assert register_tss(api, "elastest_elastest").status_code == 201  # parsing needs no engine
        store.insert(ServiceInstance("tss-away", service_id=SERVICE_ID, plan_id=PLAN_ID,
                                     state="ready", context={"platform": "elastest"}))
        response = api.get("/v2/et/service_instances/tss-away")
        assert response.status_code == 200, response.text
        view = response.json()
        assert view["context"] == {"platform": "elastest", "id": "tss-away", "manifest_id": MANIFEST_ID}
        assert "endpoints" not in view


@pytest.mark.parametrize("changes, words", [
    ({"endpoints": {"tss-gui": {"main": True, "gui": {"protocol": "http", "port": 80}}}},
     "endpoints 'tss-gui': the manifest defines no service 'tss-gui'"),
    ({"endpoints": {"tss-web": {"main": "yes"}}}, "endpoints.tss-web.main must be a boolean"),
    ({"endpoints": {"tss-web": {"api": [{"protocol": "http", "port": "8080"}]}}},
     "endpoints.tss-web.api[0].port must be an integer"),
    ({"endpoints": {"tss-web": {"api": {"port": 8080}}}}, "endpoints.tss-web.api.protocol is required"),
    ({"endpoints": {"tss-web": {"gui": "app"}}}, "endpoints.tss-web.gui must be an object or an array"),
    ({"endpoints": {"web": {"service": "tss-web"}}}, "endpoints.web.port is required"),
    ({"endpoints": {f"e{n}": {"service": "tss-web", "port": 8080} for n in range(65)}},
     "endpoints may have at most 64 fields"),
    ({"config": {"webRtcStats": {"type": "boolean", "label": 7, "default": False}}},
     "config 'webRtcStats': a setting descriptor's type and label must be strings"),
    # a path or protocol that would make the uri name another host, or break a header line
    ({"endpoints": {"tss-web": {"api": {"protocol": "http", "port": 8080, "path": "x y"}}}},
     "endpoints.tss-web.api.path (3 characters) must match"),
    ({"endpoints": {"tss-web": {"api": {"protocol": "http", "port": 8080, "path": "/a\r\nb"}}}},
     "endpoints.tss-web.api.path"),
    ({"endpoints": {"tss-web": {"api": {"protocol": "http://evil", "port": 8080}}}},
     "endpoints.tss-web.api.protocol"),
    ({"endpoints": {"web": {"service": "tss-web", "port": 8080, "path": "\\evil"}}},
     "endpoints.web.path"),
    # an entry of neither form
    ({"endpoints": {"web": {"service": "tss-web", "port": 8080, "api": {"protocol": "http"}}}},
     "endpoints.web has fields it does not allow: api"),
    ({"endpoints": {"tss-web": {"description": "nothing to reach"}}}, "endpoints.tss-web"),
    # what no container could take as its environment
    ({"config": {"X": "a\u0000b"}}, "'X': an environment value cannot hold a NUL character"),
    ({"config": {"BIG": "x" * 140_000}}, "'BIG': an environment variable is at most"),
])
def test_a_wrong_registration_is_refused_naming_what_is_wrong(changes, words):
    settings = Settings(store_url="memory", docker_external_networks=("elastest_elastest",))
    with broker(settings) as api:
        body = assert_osb_error(register_tss(api, "elastest_elastest", **changes), 400)
        assert words in body["description"]


def test_todays_endpoint_form_and_elastest_form_register_side_by_side():
    settings = Settings(store_url="memory", docker_external_networks=("elastest_elastest",))
    endpoints = {**ENDPOINTS, "web": {"service": "tss-web", "port": 8080, "protocol": "http"}}
    with broker(settings) as api:
        response = register_tss(api, "elastest_elastest", endpoints=endpoints)
        assert response.status_code == 201, response.text
        assert response.json()["endpoints"] == endpoints


@pytest.mark.parametrize("parameters, words", [
    ({"": "e"}, "cannot name an environment variable"),
    ({"A=B": "e"}, "cannot name an environment variable"),
    ({"N\u0000": "e"}, "cannot name an environment variable"),
    ({"NUL": "a\u0000b"}, "cannot hold a NUL character"),
    ({"BIG": "x" * 140_000}, "at most"),
])
def test_parameters_no_container_could_take_as_environment_are_400_and_store_nothing(
        parameters, words):
    settings = Settings(store_url="memory", docker_external_networks=("elastest_elastest",))
    with broker(settings) as api:
        assert register_tss(api, "elastest_elastest").status_code == 201
        body = {"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "org",
                "space_guid": "space", "parameters": parameters}
        answer = assert_osb_error(api.put(f"{I}/tss-bad", json=body), 400)
        assert words in answer["description"] and answer["description"].startswith("parameters")
        assert api.get("/v2/et/service_instances").json() == []


def test_an_endpoint_path_always_follows_the_port_behind_a_slash():
    assert url_parts("h", 1, "http", "eus/v1")["uri"] == "http://h:1/eus/v1"
    assert url_parts("h", 1, "http", "@evil.com/")["uri"] == "http://h:1/@evil.com/"
    assert url_parts("h", 1, "tcp", "")["uri"] == "tcp://h:1"
