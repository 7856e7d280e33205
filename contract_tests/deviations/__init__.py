"""Allow-lists shipped with the suite (data only): `--allow-deviations real-service` reads `real-service.yaml`."""
