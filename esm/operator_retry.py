"""The operator's retry (/v2/et): run a failed operation again, as a new asynchronous one."""
from __future__ import annotations

from adapters.datastore import Store
from esm.catalog import Catalog
from esm.compare_and_set import retrying_lost_races
from esm.errors import ConcurrencyError, Conflict, NotFound
from esm.models import Binding, Operation, ServiceInstance
from esm.operations import SYNC_BOUNDED
from esm.outcomes import Accepted
from esm.starting import Caller, OperationStarter
from esm.states import BUSY_INSTANCE, BUSY_STATE, InstanceState, OperationState

# target keys of the failed operation that belong to that run only
_RUN_ONLY = ("timeout", "stops", SYNC_BOUNDED)


@retrying_lost_races
def retry_failed_operation(store: Store, catalog: Catalog, starter: OperationStarter,
                           instance_id: str, operation_id: str, caller: Caller) -> Accepted:
    """The failed operation's kind and target, again; Accepted with the new operation."""
    failed = store.get(Operation, operation_id)
    if failed is None or failed.instance_id != instance_id:
        raise NotFound(f"no operation {operation_id!r} on service instance {instance_id!r}")
    if failed.state != OperationState.FAILED:
        raise Conflict(f"operation {operation_id!r} is {failed.state}; only failed ones are retried")
    instance = store.get(ServiceInstance, instance_id)
    if instance is None or instance.state == InstanceState.DELETED:
        raise Conflict(f"service instance {instance_id!r} is deleted; its operations cannot "
                       "be retried")
    subject = store.get(Binding, failed.binding_id) if failed.binding_id else instance
    if subject is None or subject.operation_id != failed.id:
        raise Conflict(f"operation {operation_id!r} is not the last one of its "
                       f"{'binding' if failed.binding_id else 'instance'}; retry that one instead")
    if failed.binding_id and instance.state in BUSY_INSTANCE:
        raise ConcurrencyError(f"an operation is running on service instance {instance_id!r}")
    _, plan = catalog.plan(instance.service_id, failed.target.get("plan_id", instance.plan_id))
    target = {k: v for k, v in failed.target.items() if k not in _RUN_ONLY}
    op = starter.new_record(failed.kind, instance_id, caller, plan, target, failed.binding_id)
    version = subject.version
    subject.state, subject.operation_id = BUSY_STATE[failed.kind], op.id
    starter.store_with_subject(op, subject, version, insert=False)
    starter.worker.submit(op.id)
    return Accepted(op.id)
