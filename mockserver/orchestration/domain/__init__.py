"""Records, their store and the rules the service applies to them. Imports expr, core, config, errors."""
