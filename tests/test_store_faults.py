"""The SQLite store on a real disk that fills up or turns read-only (a small tmpfs): every call
answers StoreUnavailable (over HTTP: 503 with Retry-After, /health failing), nothing is half
written, and the same store (the same running broker) works again once the disk does.
Mounting needs root: skipped without it, failed under CI=true."""
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.datastore import SQLiteStore, StoreUnavailable
from esm.config import Settings
from esm.models import Operation, ServiceInstance, ServiceType
from tests.osb import assert_osb_error, provision, setup
from tests.server import broker

LARGE = {"text": "x" * 4000}  # a record of two pages, so that a few of them fill the disk


class Disk:
    """A tmpfs of its own: fill and free it, turn it read-only and back."""

    def __init__(self, path: Path):
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        """Write the filler until the disk refuses another byte (tmpfs counts 4 kB pages)."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            for chunk in (b"\0" * 65536, b"\0" * 4096):
                try:
                    while True:
                        os.write(fd, chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink()

    def remount(self, mode: str) -> None:
        """`ro` or `rw`. Linux refuses `ro` while a file on it is open for writing, so a store
        on it must be closed first (a broker stopped, or killed). (chmod would not do: root
        writes read-only files.)"""
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True,
                       capture_output=True)


def _cannot_test(reason: str):
    message = f"SQLite fault tests need a tmpfs of their own: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def disk(tmp_path):
    path = tmp_path / "disk"
    path.mkdir()
    if os.geteuid() != 0:
        _cannot_test("mounting needs root")
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(path)],
                                 capture_output=True, text=True)
    except FileNotFoundError:
        _cannot_test("no mount command")
    if mounted.returncode != 0:
        _cannot_test(f"mount failed: {mounted.stderr.strip()}")
    try:
        yield Disk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def service_type(sid: str) -> ServiceType:
    return ServiceType(sid, name=sid, entry={"id": sid, "name": sid, "plans": [{"id": f"p-{sid}"}]})


def write_until_unavailable(store, prefix: str) -> StoreUnavailable:
    """Writes (each a few pages) until the full disk refuses one; anything else fails."""
    for n in range(200):
        try:
            store.insert(ServiceInstance(f"{prefix}{n}", parameters=LARGE))
        except StoreUnavailable as exc:
            return exc
    pytest.fail("200 writes on a full disk all succeeded")


def test_a_full_disk_makes_every_write_and_ping_unavailable_until_space_returns(disk):
    store = SQLiteStore(str(disk.path / "esm.db"))
    try:
        kept = store.insert(ServiceInstance("kept", state="provisioning"))
        disk.fill()
        failure = write_until_unavailable(store, "full-")
        assert str(failure) == f"SQLite at {disk.path / 'esm.db'}: database or disk is full"
        kept.state = "ready"
        writes = {  # one statement; a transaction (unique keys); several records at once
            "insert": lambda: store.insert(ServiceInstance("plain", parameters=LARGE)),
            "insert with keys": lambda: store.insert(service_type("keyed")),
            "update": lambda: store.update(kept),
            "write_all": lambda: store.write_all(inserts=[ServiceInstance("all", parameters=LARGE)],
                                                 updates=[kept]),
        }
        for write in writes.values():
            with pytest.raises(StoreUnavailable, match="database or disk is full"):
                write()
        assert kept.version == 1
        with pytest.raises(StoreUnavailable, match="database or disk is full"):
            store.ping()
        assert store.get(ServiceInstance, "kept").state == "provisioning"  # reads still work

        disk.free()
        for write in writes.values():  # no transaction was left open by the failed ones
            write()
        store.ping()
        assert store.get(ServiceInstance, "kept").state == "ready"
        assert_checkpoints_resume(store, disk.path / "esm.db")
    finally:
        store.close()


def assert_checkpoints_resume(store, db: Path) -> None:
    """The checkpoint thread outlived the failures: new records reach the database file."""
    size = db.stat().st_size
    for n in range(40):
        store.insert(ServiceInstance(f"later-{n}", parameters=LARGE))
    deadline = time.monotonic() + 5 * SQLiteStore.CHECKPOINT_SECONDS
    while db.stat().st_size < size + 40 * 4000:
        assert time.monotonic() < deadline, "no checkpoint copied the new records"
        time.sleep(0.05)


def leave_wal_files(db: Path) -> None:
    """As a broker killed mid-run leaves them: the -wal and -shm files beside the database."""
    subprocess.run([sys.executable, "-c", "import os, sqlite3, sys\n"
                    "sqlite3.connect(sys.argv[1]).execute('SELECT 1 FROM records').fetchall()\n"
                    "os._exit(0)", str(db)], check=True)
    assert Path(f"{db}-wal").exists() and Path(f"{db}-shm").exists()


@pytest.mark.parametrize("after", ["a clean stop", "a kill"])
def test_a_read_only_disk_makes_the_store_unavailable_until_it_is_writable(disk, after):
    """After a kill, SQLite could open the file read-only (its -wal and -shm exist); the store
    refuses to, as such a connection would keep the file read-only for the whole process."""
    db = disk.path / "esm.db"
    first = SQLiteStore(str(db))
    first.insert(ServiceInstance("kept"))
    first.close()
    if after == "a kill":
        leave_wal_files(db)
    disk.remount("ro")
    store = SQLiteStore(str(db))  # starts anyway: the disk may come back
    try:
        for call in (lambda: store.insert(ServiceInstance("new")), store.ping,
                     lambda: store.get(ServiceInstance, "kept")):
            with pytest.raises(StoreUnavailable, match=f"^SQLite at {db}: "):
                call()
        disk.remount("rw")
        store.insert(ServiceInstance("new"))
        store.ping()
        assert store.get(ServiceInstance, "kept") is not None
    finally:
        store.close()


def sqlite_settings(disk: Disk) -> Settings:
    return Settings(store_url=f"sqlite:///{disk.path / 'esm.db'}")


def assert_unavailable_then_recovers(api, instance_id: str, response, make_writable) -> None:
    """A 503 with Retry-After and an OSB body, /health failing; once the disk works again the
    same request succeeds and /health is back, without a restart."""
    assert_osb_error(response, 503, "ServiceUnavailable")
    assert response.headers.get("Retry-After"), response.headers
    health = api.get("/health")
    assert health.status_code == 503 and health.json()["checks"]["store"]["status"] == "failing"
    make_writable()
    again = provision(api, instance_id)
    assert again.status_code in (201, 202), again.text
    assert api.get("/health").status_code == 200


def test_a_provision_on_a_full_disk_gets_503_and_the_same_request_succeeds_later(disk):
    with broker(sqlite_settings(disk)) as api:
        setup(api)
        assert provision(api, "before").status_code == 201
        disk.fill()
        for n in range(100):  # the first few may still fit in the WAL's free space
            response = provision(api, f"full-{n}")
            if response.status_code != 201:
                break
        else:
            pytest.fail("100 provisions on a full disk all succeeded")
        refused = f"full-{n}"
        disk.free()
        # the refused provision left nothing: no operation describes an instance never stored
        store = api.app.components.store
        assert store.get(ServiceInstance, refused) is None
        assert store.find(Operation, instance_id=refused) == []
        disk.fill()
        assert_unavailable_then_recovers(api, refused, provision(api, refused), disk.free)


def test_a_provision_on_a_read_only_disk_gets_503_and_the_same_request_succeeds_later(disk):
    with broker(sqlite_settings(disk)) as api:
        setup(api)
    disk.remount("ro")
    with broker(sqlite_settings(disk)) as api:
        response = provision(api, "on-ro")
        assert_unavailable_then_recovers(api, "on-ro", response, lambda: disk.remount("rw"))


def test_synchronous_updates_on_a_filling_disk_get_503_never_a_backend_error(disk):
    """An update stored, run and then not recordable (the disk filled meanwhile) is a 503 with
    Retry-After, not a 502: it goes on once the store is back."""
    from tests.osb import update
    with broker(sqlite_settings(disk)) as api:
        setup(api)
        assert provision(api, "u1").status_code == 201
        disk.fill()
        answers = [update(api, "u1", parameters={"n": n}) for n in range(40)]
        disk.free()
        statuses = {a.status_code for a in answers}
        assert statuses <= {200, 503}, [a.text for a in answers if a.status_code not in (200, 503)]
        assert 503 in statuses
        for refused in (a for a in answers if a.status_code == 503):
            assert_osb_error(refused, 503, "ServiceUnavailable")
            assert refused.headers.get("Retry-After")
