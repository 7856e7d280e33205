"""What a run says: the report, JUnit and HTML, live progress, the allow-list of deviations. Imports checks, core."""
