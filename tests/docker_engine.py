"""The real Docker engine for the tests, and the test image made locally (no registry is
reachable): busybox from Debian's busybox-static, imported as esm-test/busybox:latest.
Without an engine the Docker tests fail in CI (CI=true) and are skipped elsewhere."""
from __future__ import annotations

import atexit
import io
import os
import shutil
import tarfile
import time
import uuid

import docker
import pytest

from adapters.backends.docker.naming import LABEL

IMAGE = "esm-test/busybox:latest"
APPLETS = ("sh", "sleep", "httpd", "echo", "cat", "env", "true", "false", "wget", "ls")
TEST_PREFIX = "dkr-"  # every instance id a Docker test uses starts with this
# The instance ids this test process used: its cleanup touches only their objects, since another
# test run may share the engine (and remove only its own).
_USED: set = set()


def new_instance_id() -> str:
    instance_id = f"{TEST_PREFIX}{uuid.uuid4().hex[:8]}"
    _USED.add(instance_id)
    return instance_id


def engine() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=30)
        client.ping()
        return client
    except Exception as exc:  # noqa: BLE001 - any failure means: no engine
        message = f"no Docker engine reachable ({exc}); start dockerd (see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _at_exit_undo(undo) -> None:
    """The test process leaves the engine as it found it: what it turned on is undone at exit."""
    def run():
        try:
            undo()
        except docker.errors.DockerException:
            pass  # still in use by another run on the engine: it stays
    atexit.register(run)


def ensure_test_image(client: docker.DockerClient) -> str:
    try:
        client.images.get(IMAGE)
        return IMAGE
    except docker.errors.ImageNotFound:
        pass
    _at_exit_undo(lambda: client.images.remove(IMAGE))
    busybox = shutil.which("busybox") or "/bin/busybox"
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        tar.add(busybox, arcname="bin/busybox")
        for applet in APPLETS:
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type, link.linkname = tarfile.SYMTYPE, "busybox"
            tar.addfile(link)
        for folder in ("tmp", "www"):
            entry = tarfile.TarInfo(folder)
            entry.type, entry.mode = tarfile.DIRTYPE, 0o1777
            tar.addfile(entry)
        page = b"esm test page\n"  # so that httpd -h /www answers 200 on /
        entry = tarfile.TarInfo("www/index.html")
        entry.size = len(page)
        tar.addfile(entry, io.BytesIO(page))
    repository, tag = IMAGE.split(":")
    client.api.import_image_from_data(data.getvalue(), repository=repository, tag=tag)
    return IMAGE


def ensure_swarm(client: docker.DockerClient) -> None:
    if client.info().get("Swarm", {}).get("LocalNodeState") != "active":
        client.swarm.init(advertise_addr="127.0.0.1")
        _at_exit_undo(lambda: client.swarm.leave(force=True))


SWARM_TASK = "com.docker.swarm.task.id"


def _wait_for_orphaned_tasks(client: docker.DockerClient, seconds: float = 15) -> None:
    """The containers of a removed swarm service's tasks are removed by the engine itself, a
    little later: what is left of them is not a test's leftover until that time passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            services = {s.id for s in client.services.list()}
        except docker.errors.APIError:
            return
        listed = client.containers.list(all=True, sparse=True, filters={"label": LABEL})
        pending = [labels for labels in (c.attrs.get("Labels") or {} for c in listed)
                   if labels.get(SWARM_TASK) and labels.get(LABEL) in _USED
                   and labels.get("com.docker.swarm.service.id") not in services]
        if not pending:
            return
        time.sleep(0.5)


def remove_test_objects(client: docker.DockerClient) -> list:
    """Remove whatever this process's tests left labelled with their instance ids; returns what
    it found."""
    _wait_for_orphaned_tasks(client)
    found = []
    label = {"label": LABEL}
    try:
        services = client.services.list(filters=label)
    except docker.errors.APIError:
        services = []
    for group in (services, client.containers.list(all=True, filters=label)):
        for obj in group:
            labels = obj.attrs.get("Spec", {}).get("Labels") if obj in services else obj.labels
            if (labels or {}).get(LABEL) in _USED:
                found.append(obj.name)
                obj.remove(**({} if obj in services else {"force": True, "v": True}))
    for group in (client.networks.list(filters=label), client.volumes.list(filters=label)):
        for obj in group:
            if (obj.attrs.get("Labels") or {}).get(LABEL) in _USED:
                found.append(obj.name)
                try:
                    obj.remove()
                except docker.errors.APIError:
                    pass
    return found

