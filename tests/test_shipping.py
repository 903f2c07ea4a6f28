"""The files that ship the ESM, checked statically (no image can be pulled here): they parse,
and what they configure is what the ESM reads."""
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = set(re.findall(r'"(ESM_[A-Z0-9_]+)"', (ROOT / "esm" / "config.py").read_text())) | {"DOCKER_HOST"}


def yaml_documents(path: Path) -> list:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_the_settings_list_is_read_from_the_config_module():
    assert {"ESM_PORT", "ESM_IP", "ESM_BROKER_USERNAME", "ESM_BROKER_PASSWORD", "ESM_STORE"} <= SETTINGS


def test_the_dockerfile_runs_the_broker_as_non_root_with_a_healthcheck():
    lines = [l.strip() for l in (ROOT / "Dockerfile").read_text().splitlines()
             if l.strip() and not l.strip().startswith("#")]
    text = "\n".join(lines)
    assert re.match(r"FROM python:3\.\d+-slim$", lines[0])
    assert "pip install --no-cache-dir -r requirements.txt" in text
    assert "requirements-test" not in text and "COPY tests" not in text
    user = [l.split()[1] for l in lines if l.startswith("USER ")]
    assert user and user[-1] not in ("root", "0")
    assert re.search(r"HEALTHCHECK .*\n?.*/health", text)
    assert "EXPOSE 8080" in lines
    env_names = set(re.findall(r"\b(ESM_[A-Z0-9_]+)=", text))
    assert env_names and env_names <= SETTINGS
    assert lines[-1] == 'CMD ["python", "runesm.py"]'


def test_the_compose_file_runs_the_esm_on_mongodb_with_the_docker_socket():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    esm, mongo = compose["services"]["esm"], compose["services"]["mongo"]
    assert set(esm["environment"]) <= SETTINGS
    assert esm["environment"]["ESM_STORE"].startswith("mongodb://mongo:27017/")
    assert "/var/run/docker.sock:/var/run/docker.sock" in esm["volumes"]
    assert "mongo" in esm["depends_on"]
    volume = mongo["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    example = dict(l.split("=", 1) for l in (ROOT / ".env.example").read_text().splitlines()
                   if l and not l.startswith("#"))
    assert required == {"ESM_BROKER_USERNAME", "ESM_BROKER_PASSWORD"} and required <= set(example)


@pytest.mark.parametrize("platform", ["kubernetes", "openshift"])
def test_the_deployment_manifests_probe_health_and_read_known_settings(platform):
    docs = [d for f in sorted((ROOT / "deploy" / platform).glob("*.yaml")) for d in yaml_documents(f)]
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "Service", "Secret"} <= kinds
    assert ("Route" in kinds) == (platform == "openshift")
    secret = next(d for d in docs if d["kind"] == "Secret")
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    # liveness asks nothing: an unreachable backend or store must not restart every replica
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    names = {e["name"] for e in container["env"]}
    assert names <= SETTINGS and {"ESM_BROKER_USERNAME", "ESM_BROKER_PASSWORD", "ESM_STORE"} <= names
    for env in container["env"]:
        ref = env.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
    service = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "esm")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


def test_the_service_catalog_registration_points_at_the_service_with_the_secret():
    docs = [d for f in (ROOT / "deploy" / "kubernetes").glob("*.yaml") for d in yaml_documents(f)]
    by_kind = {d["kind"]: d for d in docs if d["metadata"]["name"].startswith("esm")}
    broker = by_kind["ClusterServiceBroker"]
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    assert broker["spec"]["url"].split("//")[1].split(".")[0] in services
    assert broker["spec"]["authInfo"]["basic"]["secretRef"]["name"] == by_kind["Secret"]["metadata"]["name"]
    assert by_kind["StatefulSet"]["spec"]["volumeClaimTemplates"]


def test_ci_runs_the_readme_test_command_as_written():
    readme = (ROOT / "README.md").read_text()
    command = re.search(r"Run the tests with one command.*?```sh\n(.+?)\n```", readme, re.S).group(1)
    assert "tox" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert command.strip() in ci_lines
