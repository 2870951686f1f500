"""HTTP layer of the service: dependencies and routes, thin adapters over the package APIs."""
