"""DockerBackend and what it is made of, one module per job.

`policy` (what a manifest may make an engine do), `compose` (reading compose
manifests), `naming` (labels and engine object names), `environment` (what becomes a
container's environment), `engine` (engine errors, waiting for things to settle),
`endpoints` (where a service is reached), and the backend itself: `backend` (the
engine, manifests, what both modes share, deletion, inventory), `containers` (compose
mode: containers on one engine, updates rolled back), `swarm` (swarm mode: services on
a swarm) and `binding` (bind credentials and the operator's view, read from the engine).
"""
