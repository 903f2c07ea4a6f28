"""docker-compose / docker-swarm manifests are checked at registration (no engine needed):
readable errors, and unsafe requests refused unless the operator allows them."""
import pytest
import yaml

from adapters.compose import NOT_FOR_SWARM
from esm.config import Settings
from tests.conftest import assert_osb_error
from tests.osb import PLAN_ID, SERVICE_ID, dummy_service
from tests.server import broker


def compose(**services):
    return yaml.safe_dump({"services": services or {"web": {"image": "esm-test/busybox"}}})


def put(api, content, manifest_type="docker-compose", **extra):
    return api.put("/v2/et/manifest/m1", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": manifest_type,
        "manifest_content": content, **extra})


@pytest.fixture
def registered(api):
    api.put("/v2/et/catalog", json=dummy_service())
    return api


def test_a_full_compose_manifest_is_accepted(registered):
    content = yaml.safe_dump({
        "version": "3.8",
        "services": {
            "web": {"image": "esm-test/busybox", "command": "httpd -f -p 8080",
                    "environment": {"MODE": "test", "DEBUG": True}, "ports": [8080, "9090:90", "53/udp"],
                    "volumes": ["data:/data", "/scratch"], "labels": ["team=qa"],
                    "healthcheck": {"test": "wget -q -O- localhost:8080", "interval": "1s",
                                    "timeout": "2s", "retries": 3, "start_period": "1m30s"},
                    "depends_on": {"db": {"condition": "service_healthy"}},
                    "working_dir": "/", "user": "0", "restart": "no"},
            "db": {"image": "esm-test/busybox", "entrypoint": ["sleep"], "command": ["3600"]},
        },
        "volumes": {"data": {}},
    })
    response = put(registered, content, endpoints={"web": {"service": "web", "port": 8080,
                                                           "protocol": "http", "path": "/"}})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("content, says", [
    ("services: [", "YAML"),
    ("{}", "services"),
    ("services: {}", "services"),
    (compose(web={"command": "sleep 1"}), "image"),
    (compose(web={"image": "x", "build": "."}), "build"),
    (yaml.safe_dump({"services": {"web": {"image": "x"}}, "networks": {}}), "networks"),
    (compose(web={"image": "x", "ports": ["eighty"]}), "port"),
    (compose(web={"image": "x", "volumes": ["undeclared:/data"]}), "undeclared"),
    (compose(web={"image": "x", "depends_on": ["ghost"]}), "ghost"),
    (compose(a={"image": "x", "depends_on": ["b"]}, b={"image": "x", "depends_on": ["a"]}), "cycle"),
    (compose(web={"image": "x", "healthcheck": {"test": "true", "interval": "soon"}}), "duration"),
    (compose(web={"image": "x", "deploy": {"replicas": 2}}), "docker-swarm"),
    (compose(web={"image": "x", "deploy": {"placement": {}}}), "deploy"),
])
def test_malformed_compose_manifests_are_400_naming_the_problem(registered, content, says):
    body = assert_osb_error(put(registered, content), 400)
    assert says in body["description"]


@pytest.mark.parametrize("service, says", [
    ({"privileged": True}, "privileged"),
    ({"network_mode": "host"}, "network_mode: host"),
    ({"pid": "host"}, "pid: host"),
    ({"ipc": "host"}, "ipc: host"),
    ({"cap_add": ["SYS_ADMIN"]}, "cap_add"),
    ({"devices": ["/dev/sda:/dev/sda"]}, "devices"),
    ({"volumes": ["/:/host"]}, "bind mount of /"),
    ({"volumes": ["/var/run/docker.sock:/var/run/docker.sock"]}, "docker.sock"),
    ({"volumes": ["/run/docker.sock:/sock:ro"]}, "docker.sock"),
    ({"volumes": ["/etc:/host-etc"]}, "allowed host paths"),
    ({"volumes": ["./data:/data"]}, "relative"),
    ({"volumes": [{"type": "bind", "source": "/", "target": "/h"}]}, "bind mount of /"),
])
def test_unsafe_manifests_are_refused_by_default(registered, service, says):
    for manifest_type in ("docker-compose", "docker-swarm"):
        body = assert_osb_error(put(registered, compose(web={"image": "x", **service}), manifest_type), 400)
        key = next(iter(service))
        if manifest_type == "docker-swarm" and key in NOT_FOR_SWARM:
            says = key  # a swarm service could not apply it at all
        assert says in body["description"] and "refused" in body["description"]


def test_an_operator_may_allow_bind_paths_and_privileges():
    with broker(Settings(store_url="memory", docker_allowed_bind_paths=("/srv/data",))) as api:
        api.put("/v2/et/catalog", json=dummy_service())
        assert put(api, compose(web={"image": "x", "volumes": ["/srv/data/a:/a:ro"]})).status_code == 201
        assert_osb_error(put(api, compose(web={"image": "x", "volumes": ["/srv/database:/a:ro"]})), 400)
        assert_osb_error(put(api, compose(web={"image": "x", "privileged": True})), 400)
    with broker(Settings(store_url="memory", docker_allow_privileged=True)) as api:
        api.put("/v2/et/catalog", json=dummy_service())
        assert put(api, compose(web={"image": "x", "privileged": True,
                                     "volumes": ["/var/run/docker.sock:/s"]})).status_code == 201


@pytest.mark.parametrize("endpoint, says", [
    ({"service": "ghost", "port": 80}, "ghost"),
    ({"service": "web", "port": 81}, "81"),
])
def test_endpoints_must_name_a_published_port_of_a_service(registered, endpoint, says):
    content = compose(web={"image": "x", "ports": [80]})
    body = assert_osb_error(put(registered, content, endpoints={"e": endpoint}), 400)
    assert says in body["description"]


def test_docker_plans_are_async_only(registered):
    assert put(registered, compose()).status_code == 201
    response = registered.put("/v2/service_instances/x1", json={"service_id": SERVICE_ID,
                                                                 "organization_guid": "o", "space_guid": "s",
                                                                 "plan_id": PLAN_ID})
    assert_osb_error(response, 422, "AsyncRequired")
