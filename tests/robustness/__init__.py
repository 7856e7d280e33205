"""Robustness: hostile input, concurrent clients, auth attacks and restarts.

The modules that are not tests are libraries, run by the tests at CI size and by
``benchmarks/robustness_report.py`` at report size:

- ``operations``: every operation a client can reach (17 API, 13 control, the token endpoint);
- ``rawhttp``: a byte-exact HTTP/1.1 client with a timeout per request;
- ``hostile``: Hypothesis strategies for hostile requests; ``fuzzing``: send them, judge the answers;
- ``corpus``: the 5xx the fuzzer found, kept as reproducers;
- ``load``: concurrent clients and the invariants over what they leave;
- ``forgery``: forged tokens, malformed headers, auth-bypass paths, log leaks;
- ``restarts``: SIGTERM, SIGKILL and hostile-input runs on a state file;
- ``servers``: mock processes on 127.0.0.1, always stopped.
"""
