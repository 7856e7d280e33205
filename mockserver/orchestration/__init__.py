"""The orchestration service: API handlers, domain, engine, expressions. Imports core, config, errors."""
