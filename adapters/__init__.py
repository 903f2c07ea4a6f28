"""Extension points: stores (datastore) and backend drivers (resources)."""
