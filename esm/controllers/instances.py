from esm.errors import BrokerError

class NotImplementedYet(BrokerError):
    status, code = 501, "NotImplemented"

async def provision(instance_id, body, accepts_incomplete=False): raise NotImplementedYet("x")
async def update(instance_id, body, accepts_incomplete=False): raise NotImplementedYet("x")
async def deprovision(instance_id, service_id, plan_id, accepts_incomplete=False): raise NotImplementedYet("x")
async def fetch(instance_id, service_id=None, plan_id=None): raise NotImplementedYet("x")
async def last_operation(instance_id, service_id=None, plan_id=None, operation=None): raise NotImplementedYet("x")
