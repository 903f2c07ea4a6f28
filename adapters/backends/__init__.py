"""Backends: the drivers that realize service instances, one module per job.

`base` (the abstract Backend and what its calls return), `errors` (what a backend
raises), `context` (OperationContext: what a running call may ask the worker),
`registry` (BackendRegistry: which backend serves which manifest type), `yaml_content`
(the safe YAML reading manifests share), `dummy` (DummyBackend) and `docker/`
(DockerBackend, which needs the Docker SDK). Nothing here imports an implementation:
import the one you use (`adapters.resources` keeps the seed's names, DockerBackend
looked up only when asked for).
"""
