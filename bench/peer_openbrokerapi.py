"""The peer we measure against: the same dummy broker (one service, one plan, synchronous
provision kept in memory) written on openbrokerapi, served by gunicorn with one worker:

    gunicorn -w 1 -b 127.0.0.1:PORT bench.peer_openbrokerapi:app
"""
import logging
import os

from flask import Flask
from openbrokerapi import api, errors
from openbrokerapi.catalog import ServicePlan
from openbrokerapi.service_broker import (
    GetInstanceDetailsSpec,
    LastOperation,
    OperationState,
    ProvisionedServiceSpec,
    ProvisionState,
    Service,
    ServiceBroker,
)

SERVICE_ID, PLAN_ID = "svc-bench", "plan-bench"


class DummyBroker(ServiceBroker):
    def __init__(self):
        self.instances = {}

    def catalog(self):
        return Service(id=SERVICE_ID, name="bench", description="benchmark service",
                       bindable=True, plans=[ServicePlan(id=PLAN_ID, name="default",
                                                         description="the plan")])

    def provision(self, instance_id, details, async_allowed, **kwargs):
        requested = (details.service_id, details.plan_id, details.parameters)
        existing = self.instances.get(instance_id)
        if existing is not None:
            if existing != requested:
                raise errors.ErrInstanceAlreadyExists()
            return ProvisionedServiceSpec(state=ProvisionState.IDENTICAL_ALREADY_EXISTS)
        self.instances[instance_id] = requested
        return ProvisionedServiceSpec()

    def get_instance(self, instance_id, **kwargs):
        if instance_id not in self.instances:
            raise errors.ErrInstanceDoesNotExist()
        service_id, plan_id, parameters = self.instances[instance_id]
        return GetInstanceDetailsSpec(service_id, plan_id, parameters=parameters)

    def last_operation(self, instance_id, operation_data, service_id, plan_id, **kwargs):
        if instance_id not in self.instances:
            raise errors.ErrInstanceDoesNotExist()
        return LastOperation(OperationState.SUCCEEDED, "provisioned")

    def deprovision(self, instance_id, details, async_allowed, **kwargs):
        raise NotImplementedError()


app = Flask(__name__)
app.register_blueprint(api.get_blueprint(
    DummyBroker(),
    api.BrokerCredentials(os.environ.get("BENCH_USER", "bench"), os.environ.get("BENCH_PASSWORD", "bench")),
    logging.getLogger("peer")))
