"""The ikewot interop harness: test hosts in network namespaces, real strongSwan and libreswan
daemons, packet captures, and the case matrix. Entry point: tests/interop/run.py."""
