"""The Store contract: every store (memory, SQLite, later MongoDB) must pass this suite unchanged."""
import threading

import pytest

from adapters.datastore import DuplicateId, DuplicateKey, VersionConflict
from esm.models import Binding, Manifest, ServiceInstance, ServiceType
from tests.stores import STORE_FACTORIES


@pytest.fixture(params=sorted(STORE_FACTORIES))
def store(request, tmp_path):
    s = STORE_FACTORIES[request.param](tmp_path)
    yield s
    if hasattr(s, "drop"):
        s.drop()
    s.close()


def service_type(sid="s1", name="one", plans=("p1",)):
    return ServiceType(sid, name=name, entry={"id": sid, "name": name,
                                               "plans": [{"id": p} for p in plans]})


def test_insert_then_get_round_trips_any_json_exactly(store):
    tricky = {"a.b": {"$set": [1, 2.5, None, True]}, "new\nline": "tab\tand ünïcödé ☃",
              "deep": {"x": [{"y": {"z": []}}]}, "": "empty key"}
    stored = store.insert(ServiceInstance("i1", parameters=tricky, context={"k": "v"}))
    assert stored.version == 1
    back = store.get(ServiceInstance, "i1")
    assert back.parameters == tricky and back.context == {"k": "v"} and back.version == 1


def test_get_of_unknown_id_is_none(store):
    assert store.get(ServiceInstance, "nope") is None


def test_same_id_in_two_collections_are_separate_records(store):
    store.insert(ServiceInstance("x"))
    store.insert(Manifest("x", plan_id="p"))
    assert store.get(ServiceInstance, "x") is not None and store.get(Manifest, "x") is not None


def test_insert_of_existing_id_fails_and_keeps_the_first(store):
    store.insert(ServiceInstance("i1", plan_id="first"))
    with pytest.raises(DuplicateId):
        store.insert(ServiceInstance("i1", plan_id="second"))
    assert store.get(ServiceInstance, "i1").plan_id == "first"


def test_update_is_compare_and_set_on_version(store):
    first = store.insert(ServiceInstance("i1", state="provisioning"))
    stale = store.get(ServiceInstance, "i1")
    first.state = "ready"
    assert store.update(first).version == 2
    stale.state = "failed"
    with pytest.raises(VersionConflict):
        store.update(stale)
    assert store.get(ServiceInstance, "i1").state == "ready"


def test_update_of_missing_record_is_a_conflict(store):
    ghost = ServiceInstance("ghost")
    ghost.version = 1
    with pytest.raises(VersionConflict):
        store.update(ghost)
    assert store.get(ServiceInstance, "ghost") is None


def test_delete_is_compare_and_set_on_version(store):
    store.insert(ServiceInstance("i1"))
    stale = store.get(ServiceInstance, "i1")
    fresh = store.update(store.get(ServiceInstance, "i1"))
    with pytest.raises(VersionConflict):
        store.delete(stale)
    store.delete(fresh)
    assert store.get(ServiceInstance, "i1") is None
    with pytest.raises(VersionConflict):
        store.delete(fresh)


def test_unique_keys_refuse_a_second_holder_and_leave_nothing_behind(store):
    store.insert(service_type("s1", "mysql", ("p1",)))
    with pytest.raises(DuplicateKey) as caught:
        store.insert(service_type("s2", "mysql", ("p2",)))
    assert caught.value.owner == "s1"
    assert store.get(ServiceType, "s2") is None
    with pytest.raises(DuplicateKey):
        store.insert(service_type("s3", "other", ("p9", "p1")))
    assert store.get(ServiceType, "s3") is None
    store.insert(service_type("s4", "other", ("p9",)))  # p9 was not kept by the failed insert


def test_update_moves_unique_keys_and_a_refused_update_changes_nothing(store):
    s1 = store.insert(service_type("s1", "mysql", ("p1",)))
    s2 = store.insert(service_type("s2", "redis", ("p2",)))
    renamed = service_type("s1", "mariadb", ("p1b",))
    renamed.version = s1.version
    store.update(renamed)
    store.insert(service_type("s3", "mysql", ("p1",)))  # old name and plan id are free again
    clash = service_type("s2", "mariadb", ("p2",))
    clash.version = s2.version
    with pytest.raises(DuplicateKey):
        store.update(clash)
    kept = store.get(ServiceType, "s2")
    assert kept.name == "redis" and kept.version == s2.version
    with pytest.raises(DuplicateKey):
        store.insert(service_type("s5", "redis", ("p5",)))  # s2 still holds its name


def test_delete_releases_unique_keys(store):
    s1 = store.insert(service_type("s1", "mysql", ("p1",)))
    store.delete(s1)
    store.insert(service_type("s2", "mysql", ("p1",)))


def test_find_filters_on_fields_in_insertion_order(store):
    for i, plan in enumerate(["a", "b", "a", "c", "a"]):
        store.insert(ServiceInstance(f"i{i}", plan_id=plan))
    assert [r.id for r in store.find(ServiceInstance, plan_id="a")] == ["i0", "i2", "i4"]
    assert [r.id for r in store.find(ServiceInstance)] == ["i0", "i1", "i2", "i3", "i4"]
    assert store.find(ServiceInstance, plan_id="zzz") == []
    assert [r.id for r in store.find(ServiceInstance, deleted_at=None, plan_id="c")] == ["i3"]


def test_count_counts_what_find_finds_on_columns_and_other_fields(store):
    for i, (plan, state) in enumerate([("a", "ready"), ("b", "deleted"), ("a", "deleted"),
                                       ("a", "ready")]):
        store.insert(ServiceInstance(f"i{i}", plan_id=plan, state=state))
    assert store.count(ServiceInstance) == 4
    assert store.count(ServiceInstance, state="deleted") == 2
    assert store.count(ServiceInstance, plan_id="a", state="ready") == 2
    assert store.count(ServiceInstance, deleted_at=None, plan_id="b") == 1
    assert store.count(Binding) == 0


def test_concurrent_inserts_of_one_id_have_exactly_one_winner(store):
    wins, barrier = [], threading.Barrier(16)

    def attempt(n):
        barrier.wait()
        try:
            store.insert(ServiceInstance("same", plan_id=str(n)))
            wins.append(n)
        except DuplicateId:
            pass

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(wins) == 1
    assert store.get(ServiceInstance, "same").plan_id == str(wins[0])


def test_concurrent_compare_and_set_from_one_version_has_exactly_one_winner(store):
    store.insert(ServiceInstance("i1", state="provisioning"))
    wins, barrier = [], threading.Barrier(16)

    def attempt(n):
        record = store.get(ServiceInstance, "i1")
        barrier.wait()
        record.state = f"by-{n}"
        try:
            store.update(record)
            wins.append(n)
        except VersionConflict:
            pass

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(wins) == 1
    final = store.get(ServiceInstance, "i1")
    assert final.state == f"by-{wins[0]}" and final.version == 2


def test_get_by_key_finds_the_holder_of_a_unique_key(store):
    store.insert(service_type("s1", "mysql", ("p1", "p2")))
    store.insert(service_type("s2", "redis", ("p3",)))
    assert store.get_by_key(ServiceType, "plan_id", "p2").id == "s1"
    assert store.get_by_key(ServiceType, "name", "redis").id == "s2"
    assert store.get_by_key(ServiceType, "plan_id", "nope") is None
    store.delete(store.get(ServiceType, "s2"))
    assert store.get_by_key(ServiceType, "name", "redis") is None


def test_page_walks_all_records_in_id_order(store):
    for n in (5, 1, 4, 2, 3, 0):
        store.insert(ServiceInstance(f"i{n}"))
    assert [r.id for r in store.page(ServiceInstance, 4)] == ["i0", "i1", "i2", "i3"]
    assert [r.id for r in store.page(ServiceInstance, 4, after="i3")] == ["i4", "i5"]
    assert store.page(ServiceInstance, 4, after="i5") == []


def test_write_all_inserts_and_updates_and_sets_versions(store):
    existing = store.insert(ServiceInstance("i1", state="provisioning"))
    existing.state = "ready"
    new = ServiceInstance("i2")
    store.write_all(inserts=[new], updates=[existing])
    assert (new.version, existing.version) == (1, 2)
    assert store.get(ServiceInstance, "i2").version == 1
    stored = store.get(ServiceInstance, "i1")
    assert (stored.state, stored.version) == ("ready", 2)


def test_write_all_with_an_existing_id_leaves_its_update_unapplied(store):
    existing = store.insert(ServiceInstance("i1", state="provisioning"))
    store.insert(ServiceInstance("taken"))
    existing.state = "ready"
    with pytest.raises(DuplicateId):
        store.write_all(inserts=[ServiceInstance("fresh"), ServiceInstance("taken")],
                        updates=[existing])
    stored = store.get(ServiceInstance, "i1")
    assert (stored.state, stored.version) == ("provisioning", 1)
    assert store.get(ServiceInstance, "fresh") is None
    assert existing.version == 1


def test_write_all_with_a_stale_update_leaves_its_inserts_absent(store):
    store.insert(ServiceInstance("i1", state="provisioning"))
    stale = store.get(ServiceInstance, "i1")
    store.update(store.get(ServiceInstance, "i1"))
    new, other = ServiceInstance("i2"), service_type("s1", "mysql", ("p1",))
    stale.state = "failed"
    with pytest.raises(VersionConflict):
        store.write_all(inserts=[new, other], updates=[stale])
    assert store.get(ServiceInstance, "i2") is None and store.get(ServiceType, "s1") is None
    assert store.get(ServiceInstance, "i1").state == "provisioning"
    assert (new.version, other.version, stale.version) == (0, 0, 1)
    store.insert(service_type("s2", "mysql", ("p1",)))  # the undone insert holds no keys


def test_write_all_undoes_an_earlier_update_when_a_later_one_fails(store):
    first = store.insert(ServiceInstance("i1", state="provisioning"))
    second = store.insert(ServiceInstance("i2", state="provisioning"))
    store.update(store.get(ServiceInstance, "i2"))  # `second` is now stale
    first.state, second.state = "ready", "ready"
    with pytest.raises(VersionConflict):
        store.write_all(updates=[first, second])
    assert store.get(ServiceInstance, "i1").state == "provisioning"
    assert (first.version, second.version) == (1, 1)


def test_write_all_refuses_a_taken_unique_key_and_writes_nothing(store):
    store.insert(service_type("s1", "mysql", ("p1",)))
    with pytest.raises(DuplicateKey):
        store.write_all(inserts=[ServiceInstance("i1"), service_type("s2", "mysql", ("p2",))])
    assert store.get(ServiceInstance, "i1") is None and store.get(ServiceType, "s2") is None
    store.insert(service_type("s3", "redis", ("p2",)))  # p2 was not kept


def test_change_says_whether_this_call_wrote_when_it_lost_a_race_first(store):
    """store.change's answer is the last decision of its change, the one that was written: a
    change that said yes, lost a race, and then said no on the fresh read did not write."""
    store.insert(ServiceInstance("i1", state="provisioning"))
    calls = []

    def settle_once(instance) -> bool:
        calls.append(instance.state)
        if instance.state != "provisioning":
            return False
        if len(calls) == 1:  # a concurrent writer gets there first
            rival = store.get(ServiceInstance, "i1")
            rival.state = "failed"
            store.update(rival)
        instance.state = "ready"
        return True
    assert store.change(ServiceInstance, "i1", settle_once) is None
    assert calls == ["provisioning", "failed"]
    assert store.get(ServiceInstance, "i1").state == "failed"
    written = store.change(ServiceInstance, "i1", lambda i: setattr(i, "state", "ready") or True)
    assert written is not None and written.state == "ready" and written.version == 3
