from esm.controllers.instances import NotImplementedYet
async def bind(instance_id, binding_id, body, accepts_incomplete=False): raise NotImplementedYet("x")
async def unbind(instance_id, binding_id, service_id, plan_id, accepts_incomplete=False): raise NotImplementedYet("x")
async def fetch(instance_id, binding_id, service_id=None, plan_id=None): raise NotImplementedYet("x")
async def last_operation(instance_id, binding_id, service_id=None, plan_id=None, operation=None): raise NotImplementedYet("x")
