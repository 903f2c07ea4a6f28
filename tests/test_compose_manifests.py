"""docker-compose / docker-swarm manifests are checked at registration (no engine needed):
readable errors, and unsafe requests refused unless the operator allows them."""
import pytest
import yaml

from adapters.backends.docker.compose import NOT_FOR_SWARM
from esm.config import ConfigError, Settings
from tests.osb import PLAN_ID, SERVICE_ID, assert_osb_error, dummy_service
from tests.server import broker


def compose(**services):
    return yaml.safe_dump({"services": services or {"web": {"image": "esm-test/busybox"}}})


def put(api, content, manifest_type="docker-compose", **extra):
    return api.put("/v2/et/manifest/m1", json={
        "service_id": SERVICE_ID, "plan_id": PLAN_ID, "manifest_type": manifest_type,
        "manifest_content": content, **extra})


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
    (yaml.safe_dump({"services": {"web": {"image": "x"}}, "networks": []}), "networks"),
    (compose(web={"image": "x", "networks": ["ghost"]}), "ghost"),
    (compose(web={"image": "x", "networks": {"default": {"ipv4_address": "10.0.0.9"}}}), "ipv4_address"),
    (compose(web={"image": "x", "links": ["ghost:db"]}), "ghost"),
    (compose(a={"image": "x", "container_name": "b"}, b={"image": "x"}), "'b'"),
    (compose(web={"image": "x", "network_mode": "none", "links": ["web"]}), "network_mode"),
    (compose(web={"image": "x", "expose": ["http"]}), "expose"),
    (compose(web={"image": "x", "init": "yes"}), "init"),
    (compose(web={"image": "x", "read_only": 1}), "read_only"),
    (compose(web={"image": "x", "extra_hosts": ["db:not-an-ip"]}), "extra_hosts"),
    (compose(web={"image": "x", "ulimits": {"nofile": {"soft": 9, "hard": 1}}}), "ulimits.nofile"),
    (compose(web={"image": "x", "stop_grace_period": "2h"}), "stop_grace_period"),
    (compose(web={"image": "x", "stop_signal": "SIG TERM"}), "stop_signal"),
    (compose(web={"image": "x", "tmpfs": ["relative"]}), "tmpfs"),
    (compose(web={"image": "x", "dns": ["resolver"]}), "dns"),
    (compose(web={"image": "x", "shm_size": "lots"}), "shm_size"),
    (yaml.safe_dump({"services": {"web": {"image": "x"}}, "networks": {"n": {"ipam": {}}}}), "ipam"),
    (yaml.safe_dump({"services": {"web": {"image": "x"}}, "networks": {"n": {"driver": "macvlan"}}}), "driver"),
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
    ({"security_opt": ["seccomp:unconfined"]}, "security_opt"),
    ({"security_opt": ["apparmor:unconfined"]}, "security_opt"),
    ({"sysctls": {"kernel.shmmax": "1"}}, "sysctl kernel.shmmax"),
    ({"ulimits": {"nofile": 99999999}}, "ulimit nofile"),
    ({"ulimits": {"rtprio": 99}}, "ulimit rtprio"),
    ({"shm_size": "64g"}, "shm_size"),
    ({"tmpfs": ["/run:size=64g"]}, "tmpfs /run"),
    ({"logging": {"driver": "syslog"}}, "logging driver syslog"),
    ({"logging": {"driver": "json-file", "options": {"max-size": "10g"}}}, "max-size"),
    ({"mac_address": "02:42:ac:11:00:02"}, "mac_address"),
    ({"use_api_socket": True}, "use_api_socket"),
    ({"volumes_from": ["other"]}, "volumes_from"),
    ({"gpus": "all"}, "gpus"),
    ({"runtime": "runc"}, "runtime"),
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


def test_compose_files_as_elastest_wrote_them_are_accepted(registered):
    content = yaml.safe_dump({
        "version": "2.1", "x-elastest": {"any": "thing"},
        "services": {
            "eus": {"image": "esm-test/busybox", "x-note": 1, "expose": [8040, "9000-9001/udp"],
                    "links": ["db:database", "db"], "container_name": "eus",
                    "environment": ["USE_TORM=true", "ET_EDM_ALLUXIO_API"], "depends_on": ["db"],
                    "command": "sleep 3600", "entrypoint": ["sh", "-c"],
                    "networks": {"back": {"aliases": ["api"]}, "default": None}},
            "db": {"image": "esm-test/busybox", "networks": ["back", "default"], "tmpfs": "/run",
                   "extra_hosts": ["host1:10.0.0.1", "host2=::1"], "init": True, "read_only": True,
                   "ulimits": {"nofile": {"soft": 1024, "hard": 4096}, "nproc": 512},
                   "shm_size": "64m", "cap_drop": ["ALL"], "security_opt": ["no-new-privileges:true"],
                   "stop_grace_period": "5s", "stop_signal": "SIGINT", "domainname": "example.org",
                   "logging": {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
                   "sysctls": ["net.core.somaxconn=1024"], "dns": ["10.0.0.2"],
                   "dns_search": ["example.org"], "group_add": [100], "tty": True,
                   "stdin_open": True, "labels": {"team": "qa"}, "attach": False},
        },
        "networks": {"back": {"internal": True, "labels": {"team": "qa"}}},
    })
    assert put(registered, content).status_code == 201, put(registered, content).text


@pytest.mark.parametrize("service, says", [
    ({"build": "."}, "build context"),
    ({"env_file": ".env"}, "file on the host"),
    ({"label_file": "labels"}, "file on the host"),
    ({"secrets": ["token"]}, "secrets"),
    ({"configs": ["conf"]}, "configs"),
    ({"extends": {"service": "base"}}, "another compose file"),
    ({"volumes": ["./conf:/etc/x"]}, "a broker has none"),
])
def test_keys_that_need_the_compose_host_are_refused_saying_why(registered, service, says):
    body = assert_osb_error(put(registered, compose(web={"image": "x", **service})), 400)
    assert says in body["description"] and "refused" in body["description"], body
    for key in ("secrets", "configs"):
        top = yaml.safe_dump({"services": {"web": {"image": "x"}}, key: {"s": {"file": "./s"}}})
        assert "host files" in assert_osb_error(put(registered, top), 400)["description"]


def test_external_networks_are_joined_only_when_the_operator_lists_them():
    content = yaml.safe_dump({"services": {"web": {"image": "x", "networks": ["elastest"]}},
                              "networks": {"elastest": {"external": True, "name": "et_net"}}})
    with broker(Settings(store_url="memory")) as api:
        api.put("/v2/et/catalog", json=dummy_service())
        body = assert_osb_error(put(api, content), 400)
        assert "ESM_DOCKER_EXTERNAL_NETWORKS" in body["description"] and "et_net" in body["description"]
    with broker(Settings(store_url="memory", docker_external_networks=("et_net",))) as api:
        api.put("/v2/et/catalog", json=dummy_service())
        assert put(api, content).status_code == 201
        aliased = yaml.safe_dump({"services": {"web": {"image": "x", "networks": {"elastest": {"aliases": ["x"]}}}},
                                  "networks": {"elastest": {"external": True, "name": "et_net"}}})
        assert "external" in assert_osb_error(put(api, aliased), 400)["description"]
        # the engine makes a hostname a DNS name on every network the container joins
        named = yaml.safe_dump({"services": {"web": {"image": "x", "hostname": "other-tss",
                                                     "networks": ["default", "elastest"]}},
                                "networks": {"default": {},
                                             "elastest": {"external": True, "name": "et_net"}}})
        body = assert_osb_error(put(api, named), 400)
        assert "hostname" in body["description"] and "external" in body["description"]


def test_the_external_networks_setting_is_checked():
    assert Settings.from_env({"ESM_DOCKER_EXTERNAL_NETWORKS": "a, b_c"}).docker_external_networks == ("a", "b_c")
    with pytest.raises(ConfigError, match="ESM_DOCKER_EXTERNAL_NETWORKS"):
        Settings.from_env({"ESM_DOCKER_EXTERNAL_NETWORKS": "ok,not ok"})


@pytest.mark.parametrize("endpoint, says", [
    ({"service": "ghost", "port": 80}, "ghost"),
    ({"service": "web", "port": 81}, "81"),
])
def test_endpoints_must_name_a_published_port_of_a_service(registered, endpoint, says):
    content = compose(web={"image": "x", "ports": [80]})
    body = assert_osb_error(put(registered, content, endpoints={"e": endpoint}), 400)
    assert says in body["description"]
