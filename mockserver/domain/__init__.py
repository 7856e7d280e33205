"""The mock's domain: resources, their store and the rules the service applies to them."""
