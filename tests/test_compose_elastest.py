"""Compose files as ElasTest wrote them, against the real engine: file format 2.1 with `expose`,
`links`, `container_name`, list environment, a declared network and an external one the
operator listed; two instances of one plan side by side, each resolving its own names, and
nothing of them left afterwards (the external network stays)."""
import re

import pytest

from adapters.backends.docker.naming import SERVICE_LABEL
from esm.config import Settings
from tests.docker_engine import IMAGE, ensure_swarm
from tests.osb import deprovision, poll
from tests.server import broker
from tests.test_docker import I, labelled, new_id, provision_and_wait, register

HTTPD = ["httpd", "-f", "-p", "8080", "-h", "/www"]  # what the names lead to


def elastest_manifest(external: str) -> dict:
    return {
        "version": "2.1",
        "x-elastest": {"tss": "eus"},
        "services": {
            "eus": {"image": IMAGE, "command": HTTPD, "expose": [8080], "links": ["db:database"],
                    "container_name": "eus", "environment": ["ROLE=eus", "USE_TORM=true"],
                    "depends_on": ["db"], "networks": ["back", "elastest"]},
            "db": {"image": IMAGE, "command": " ".join(HTTPD), "expose": ["8080"],
                   "environment": ["ROLE=db"], "networks": {"back": {"aliases": ["store"]}}},
        },
        "networks": {"back": {}, "elastest": {"external": {"name": external}}},
    }


def by_service(client, instance_id) -> dict:
    return {c.labels[SERVICE_LABEL]: c for c in labelled(client, instance_id)["containers"]}


def resolve(container, name) -> set:
    """The addresses `name` has inside the container (busybox's own resolver: its static wget
    cannot look names up)."""
    code, output = container.exec_run(["busybox", "nslookup", name])
    answer = output.decode(errors="replace").split("answer:", 1)
    return set(re.findall(r"Address: ([0-9.]+)", answer[1])) if code == 0 and len(answer) > 1 else set()


def address(container, network) -> str:
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][network]["IPAddress"]


def remove(api, instance_id):
    response = deprovision(api, instance_id, accepts_incomplete=True)
    assert response.status_code == 202, response.text
    assert poll(api, f"{I}/{instance_id}", response.json()["operation"], timeout=90)["state"] == "succeeded"


def test_an_elastest_compose_file_runs_twice_side_by_side_and_goes_away(client, tmp_path,
                                                                        external_network):
    settings = Settings(store_url=f"sqlite:///{tmp_path}/esm.db",
                        docker_external_networks=(external_network,))
    with broker(settings) as api:
        register(api, elastest_manifest(external_network))
        first, second = new_id(), new_id()
        try:
            for iid in (first, second):
                assert provision_and_wait(api, iid)["state"] == "succeeded"
            for iid in (first, second):
                containers = by_service(client, iid)
                assert {c.status for c in containers.values()} == {"running"}
                eus, db = containers["eus"], containers["db"]
                assert eus.name != "eus"  # the name stays the instance's own
                assert {"ROLE=eus", "USE_TORM=true"} <= set(eus.attrs["Config"]["Env"])
                back = next(n for n in db.attrs["NetworkSettings"]["Networks"] if n.endswith("-back"))
                for name in ("database", "store", "db"):  # the link alias, an alias, the service
                    assert resolve(eus, name) == {address(db, back)}, name
                assert resolve(db, "eus") == {address(eus, back)}  # container_name
                assert external_network in eus.attrs["NetworkSettings"]["Networks"]
                assert external_network not in db.attrs["NetworkSettings"]["Networks"]
            # each instance has its own networks: its names cannot reach the other's containers
            backs = [set(by_service(client, iid)["db"].attrs["NetworkSettings"]["Networks"])
                     for iid in (first, second)]
            assert not backs[0] & backs[1]
        finally:
            for iid in (first, second):
                remove(api, iid)
        for iid in (first, second):
            assert not any(labelled(client, iid).values())
    assert client.networks.get(external_network).name == external_network  # never removed


def test_an_external_network_the_operator_does_not_list_is_refused(client, tmp_path,
                                                                   external_network):
    with broker(Settings(store_url="memory")) as api:
        with pytest.raises(AssertionError, match="ESM_DOCKER_EXTERNAL_NETWORKS"):
            register(api, elastest_manifest(external_network))


def test_a_swarm_manifest_with_a_declared_network_and_aliases_runs_and_goes_away(client, tmp_path):
    ensure_swarm(client)
    manifest = {
        "version": "3.8",
        "services": {
            "api": {"image": IMAGE, "command": HTTPD, "container_name": "api-main",
                    "networks": {"back": {"aliases": ["backend"]}}},
            "client": {"image": IMAGE, "command": ["sleep", "3600"], "links": ["api:upstream"],
                       "networks": ["back"], "stop_grace_period": "2s", "init": True},
        },
        "networks": {"back": {"driver": "overlay"}},
    }
    with broker(Settings(store_url=f"sqlite:///{tmp_path}/esm.db")) as api:
        register(api, manifest, "docker-swarm")
        iid = new_id()
        try:
            assert provision_and_wait(api, iid)["state"] == "succeeded"
            services = {s.attrs["Spec"]["Labels"][SERVICE_LABEL]: s for s in labelled(client, iid)["services"]}
            attached = services["api"].attrs["Spec"]["TaskTemplate"]["Networks"]
            assert [sorted(n["Aliases"]) for n in attached] == [
                sorted(["api", "api-main", "backend", "upstream"])]
            networks = labelled(client, iid)["networks"]
            assert {n.attrs["Driver"] for n in networks} == {"overlay"} and len(networks) == 2
            task = client.containers.list(filters={"label": f"com.docker.swarm.service.id={services['client'].id}"})
            for name in ("upstream", "backend", "api-main"):  # swarm answers a virtual IP
                assert resolve(task[0], name), name
            # the view's <service>_Ip is that virtual IP on the instance's network
            back = next(n for n in networks if n.name.endswith("-back"))
            vips = {labels: next(v["Addr"].split("/")[0] for v in s.attrs["Endpoint"]["VirtualIPs"]
                                 if v["NetworkID"] == back.id) for labels, s in services.items()}
            context = api.get(f"/v2/et/service_instances/{iid}").json()["context"]
            assert (context["api_Ip"], context["client_Ip"]) == (vips["api"], vips["client"])
            assert resolve(task[0], "upstream") == {vips["api"]}
        finally:
            remove(api, iid)
        assert not any(labelled(client, iid).values())
