"""Stores: where every record lives. The store is the source of truth.

One module per job: `base` (the abstract Store, the contract every store keeps),
`errors` (its failures), `records` (how a record is encoded and checked, shared by
the implementations), `memory` (InMemoryStore), `sqlite` (SQLiteStore, the default)
with `checkpoint` (its WAL checkpoint thread), `mongo` (MongoDB, which needs pymongo),
`write_counts` (telling readers what a store that sees every write has written).
Nothing here imports an implementation: import the one you use (`adapters.datastore`
keeps the seed's names, MongoDB looked up only when asked for).
"""
