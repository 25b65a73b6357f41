#!/usr/bin/env python3
"""Distributes many keys to two providers with parallel clients, against a running ./run-local.sh.

Reports the wall time of the key creations alone (key generation) and of the distributions. Lost races
(Table Storage's 412 UpdateConditionNotSatisfied) are counted from Azurite's request log. Standard
library only. Usage (docs/benchmarks.md has the numbers and the method):

    KEYMGMT_AZURITE_DEBUG_LOG=/tmp/azurite.log KEYMGMT_DEV_ROOT_TOKEN=bench ./run-local.sh &
    # wait for "keymgmt is running", then:
    python3 infra/local/bench/parallel-distribution.py --keys 40 --clients 8 --runs 3
    grep -c UpdateConditionNotSatisfied /tmp/azurite.log
    KEYMGMT_BENCH_PROTECTION=hsm python3 infra/local/bench/parallel-distribution.py ...   # BYOK instead of JWK
"""
import argparse
import concurrent.futures
import json
import os
import time
import urllib.request
import uuid

PROTECTION = os.environ.get("KEYMGMT_BENCH_PROTECTION", "software")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def call(address, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(address + path, data=data, method=method,
                                     headers={"X-Vault-Token": token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.status


def run(address, token, tenant, vaults, keys, clients):
    tag = uuid.uuid4().hex[:6]
    providers = [f"bench-{tag}-{i}" for i in range(len(vaults))]
    for provider, vault in zip(providers, vaults):
        call(address, token, "POST", f"/v1/keymgmt/kms/{provider}",
             {"provider": "azurekeyvault", "key_collection": vault, "credentials": {"tenant_id": tenant}})
    names = [f"bench-{tag}-k{i}" for i in range(keys)]
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        started = time.monotonic()
        list(pool.map(lambda n: call(address, token, "POST", f"/v1/keymgmt/key/{n}", {"type": "rsa-2048"}), names))
        created = time.monotonic() - started
        # One task per key, into each provider in turn: what one queued rotation of a key does. Different
        # keys run in parallel; one key's distributions follow each other.
        def distribute(name):
            for provider in providers:
                call(address, token, "POST", f"/v1/keymgmt/kms/{provider}/key/{name}",
                     {"purpose": "sign,verify", "protection": PROTECTION})
        started = time.monotonic()
        list(pool.map(distribute, names))
        distributed = time.monotonic() - started
    return created, distributed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with open(os.environ.get("KEYMGMT_STACK_FILE", os.path.join(ROOT, ".local", "stack.json"))) as f:
        stack = json.load(f)
    vaults = sorted(stack["keyvault"]["vaults"])[:2]
    for r in range(args.runs):
        created, distributed = run(stack["api"]["address"], stack["api"]["token"], stack["tenant_id"], vaults,
                                   args.keys, args.clients)
        print(f"run {r + 1}: {args.keys} keys created in {created:.2f} s; "
              f"{args.keys * len(vaults)} distributions to {len(vaults)} vaults in {distributed:.2f} s "
              f"({distributed / created:.1f}x the creation time) with {args.clients} clients")


if __name__ == "__main__":
    main()
