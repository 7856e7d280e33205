"""One mock's state and its durability: backend, recording, persistence, fixtures. Imports domain, engine, core."""
