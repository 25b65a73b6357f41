"""The README's keymgmt session driven by hvac, the Python Vault client, with every answer checked.

hvac 2.4.0 has no Key Management secrets engine class (hvac.api.secrets_engines has none), so this
uses its generic calls, as a user of hvac would for an engine it lacks:

- client.write_data(path, data=...): POST with the data as JSON (native types); without data, a
  POST with no body.
- client.read(path): GET; None on 404.
- client.list(path): GET ?list=True (Python's str(True): requests encodes the bool so); None on 404.
- client.adapter.list(url): the LIST verb; raises hvac.exceptions.InvalidPath on 404.
- client.delete(path): DELETE.

hvac.Client() reads VAULT_ADDR and VAULT_TOKEN itself. The local stack's facts come from
KEYMGMT_TENANT_ID, KEYMGMT_VAULT_1, KEYMGMT_VAULT_2, KEYMGMT_SP_CLIENT_ID and
KEYMGMT_SP_CLIENT_SECRET. Every request and answer is recorded from the requests session, so the
wire form is checked too. Exits 0 only when every check passed.
"""

import base64
import json
import os
import re
import secrets
import sys
import traceback
from urllib.parse import urlsplit

import hvac
import hvac.exceptions
import requests

HEX32 = re.compile(r"^[0-9a-f]{32}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
PEM = re.compile(r"^-----BEGIN PUBLIC KEY-----\n((?:[A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n)-----END PUBLIC KEY-----\n$")

wire = []
checks = 0


class CheckFailed(Exception):
    pass


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        raise CheckFailed(message)


def env(name):
    value = os.environ.get(name)
    if not value:
        raise CheckFailed(f"environment variable {name} is not set")
    return value


def record(response, *args, **kwargs):
    request = response.request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    url = urlsplit(request.url)
    wire.append({
        "method": request.method,
        "uri": url.path + ("?" + url.query if url.query else ""),
        "body": body,
        "status": response.status_code,
        "content_type": response.headers.get("Content-Type"),
        "answer": response.text,
    })


class Call:
    """One hvac call: what it returned or raised, and the one exchange it made."""

    def __init__(self, what, fn):
        self.what = what
        before = len(wire)
        self.value = None
        self.error = None
        try:
            self.value = fn()
        except hvac.exceptions.VaultError as e:
            self.error = e
        self.exchanges = wire[before:]
        check(len(self.exchanges) == 1, f"{what}: made {len(self.exchanges)} requests, want 1: {self.exchanges}")
        self.sent = self.exchanges[0]

    def expect(self, method, uri, status, body=None):
        s = self.sent
        check(s["method"] == method, f"{self.what}: sent {s['method']}, want {method}")
        check(s["uri"] == uri, f"{self.what}: sent to {s['uri']}, want {uri}")
        if body is None:
            check(s["body"] is None, f"{self.what}: sent the body {s['body']!r}, want none")
        else:
            check(s["body"] is not None and json.loads(s["body"]) == body,
                  f"{self.what}: sent the body {s['body']!r}, want {json.dumps(body)}")
        check(s["status"] == status, f"{self.what}: answered {s['status']} {s['answer']}, want {status}")
        return self

    def no_content(self):
        """A write or delete that answered 204: hvac returns the Response (write) or None (delete)."""
        check(self.error is None, f"{self.what}: raised {self.error!r}")
        check(self.sent["answer"] == "", f"{self.what}: a 204 with the body {self.sent['answer']!r}")
        check(self.value is None or (isinstance(self.value, requests.Response) and self.value.status_code == 204),
              f"{self.what}: returned {self.value!r}")
        return self

    def nothing(self):
        """A 404 that hvac's read and list turn into None."""
        check(self.error is None and self.value is None, f"{self.what}: returned {self.value!r}, raised {self.error!r}")
        return self

    def data(self):
        check(self.error is None and isinstance(self.value, dict), f"{self.what}: returned {self.value!r}, raised {self.error!r}")
        check(self.sent["content_type"] is not None and self.sent["content_type"].startswith("application/json"),
              f"{self.what}: Content-Type {self.sent['content_type']}")
        envelope = self.value
        for field in ("request_id", "lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings", "auth"):
            check(field in envelope, f"{self.what}: the answer lacks {field}: {envelope}")
        check(re.fullmatch(r"[0-9a-f-]{36}", envelope["request_id"]) is not None, f"{self.what}: request_id {envelope['request_id']!r}")
        check(envelope["lease_id"] == "" and envelope["renewable"] is False and envelope["lease_duration"] == 0,
              f"{self.what}: lease fields {envelope}")
        check(envelope["wrap_info"] is None and envelope["warnings"] is None and envelope["auth"] is None,
              f"{self.what}: wrap_info, warnings, auth {envelope}")
        return envelope["data"]

    def keys(self):
        data = self.data()
        check(list(data) == ["keys"] and isinstance(data["keys"], list), f"{self.what}: list data {data}")
        check(all(isinstance(k, str) for k in data["keys"]) and data["keys"] == sorted(data["keys"]),
              f"{self.what}: keys {data['keys']} are not sorted strings")
        return data["keys"]

    def refused(self, exception, status):
        check(isinstance(self.error, exception), f"{self.what}: raised {self.error!r}, want {exception.__name__}")
        check(self.sent["status"] == status, f"{self.what}: answered {self.sent['status']}, want {status}")
        return self.error


def check_distribution(what, data, key, protection, purpose, latest):
    check(sorted(data) == ["last_error", "name", "protection", "purpose", "state", "versions"], f"{what}: fields {sorted(data)}")
    check(re.fullmatch(re.escape(key) + r"-\d{10}", data["name"]) is not None, f"{what}: Azure name {data['name']!r}")
    check(data["protection"] == protection, f"{what}: protection {data['protection']!r}, want {protection}")
    check(data["purpose"] == purpose, f"{what}: purpose {data['purpose']!r}, want {purpose}")
    check(data["state"] == "active", f"{what}: state {data['state']!r}")
    check(data["last_error"] is None, f"{what}: last_error {data['last_error']!r}")
    versions = data["versions"]
    check(sorted(versions, key=int) == [str(v) for v in range(1, latest + 1)], f"{what}: versions {versions}")
    check(all(isinstance(v, str) and HEX32.match(v) for v in versions.values()), f"{what}: Azure version ids {versions}")
    check(len(set(versions.values())) == len(versions), f"{what}: repeated Azure version ids {versions}")
    return data


def check_key(what, data, key, latest, min_enabled, deletion_allowed, visible):
    check(sorted(data) == ["auto_rotate_period", "deletion_allowed", "last_rotated", "latest_version",
                           "min_enabled_version", "name", "next_rotation", "type", "versions"],
          f"{what}: fields {sorted(data)}")
    check(data["auto_rotate_period"] == 0 and type(data["auto_rotate_period"]) is int,
          f"{what}: auto_rotate_period {data['auto_rotate_period']!r}")
    check(data["next_rotation"] is None, f"{what}: next_rotation {data['next_rotation']!r} without a period")
    check(data["last_rotated"] == data["versions"][str(latest)]["creation_time"],
          f"{what}: last_rotated {data['last_rotated']!r} is not version {latest}'s creation_time")
    check(data["name"] == key, f"{what}: name {data['name']!r}")
    check(data["type"] == "rsa-3072", f"{what}: type {data['type']!r}")
    check(data["latest_version"] == latest and type(data["latest_version"]) is int, f"{what}: latest_version {data['latest_version']!r}")
    check(data["min_enabled_version"] == min_enabled and type(data["min_enabled_version"]) is int,
          f"{what}: min_enabled_version {data['min_enabled_version']!r}")
    check(data["deletion_allowed"] is deletion_allowed, f"{what}: deletion_allowed {data['deletion_allowed']!r}")
    check(sorted(data["versions"], key=int) == visible, f"{what}: visible versions {sorted(data['versions'])}, want {visible}")
    moduli = set()
    for number, version in data["versions"].items():
        check(sorted(version) == ["creation_time", "public_key"], f"{what}: version {number} fields {sorted(version)}")
        check(RFC3339.match(version["creation_time"]) is not None, f"{what}: creation_time {version['creation_time']!r}")
        match = PEM.match(version["public_key"])
        check(match is not None, f"{what}: version {number}'s public_key is not one PEM block: {version['public_key']!r}")
        modulus = rsa_modulus(base64.b64decode(match.group(1)))
        check(modulus.bit_length() == 3072, f"{what}: version {number}'s modulus has {modulus.bit_length()} bits")
        check(modulus not in moduli, f"{what}: two versions share a modulus")
        moduli.add(modulus)


def rsa_modulus(spki):
    """The modulus of a DER SubjectPublicKeyInfo holding an RSA key (rsaEncryption), read by hand."""

    def tlv(buf, pos, tag):
        check(buf[pos] == tag, f"DER tag {buf[pos]:#x} at {pos}, want {tag:#x}")
        length = buf[pos + 1]
        pos += 2
        if length & 0x80:
            n = length & 0x7F
            length = int.from_bytes(buf[pos:pos + n], "big")
            pos += n
        return pos, pos + length

    start, _ = tlv(spki, 0, 0x30)
    alg_start, alg_end = tlv(spki, start, 0x30)
    check(spki[alg_start:alg_start + 11] == bytes.fromhex("06092a864886f70d010101"), "not rsaEncryption")
    bits_start, _ = tlv(spki, alg_end, 0x03)
    check(spki[bits_start] == 0, "unused bits in the key's BIT STRING")
    seq_start, _ = tlv(spki, bits_start + 1, 0x30)
    n_start, n_end = tlv(spki, seq_start, 0x02)
    return int.from_bytes(spki[n_start:n_end], "big")


def session():
    tenant = env("KEYMGMT_TENANT_ID")
    vault1, vault2 = env("KEYMGMT_VAULT_1"), env("KEYMGMT_VAULT_2")
    sp_id, sp_secret = env("KEYMGMT_SP_CLIENT_ID"), env("KEYMGMT_SP_CLIENT_SECRET")
    env("VAULT_ADDR")
    env("VAULT_TOKEN")

    http = requests.Session()
    http.hooks["response"].append(record)
    client = hvac.Client(session=http)

    suffix = secrets.token_hex(4)
    key, kv1, kv2 = f"payments-{suffix}", f"kv1-{suffix}", f"kv2-{suffix}"

    # A provider with managed identity: only the tenant, credentials as an object.
    body = {"provider": "azurekeyvault", "key_collection": vault1, "credentials": {"tenant_id": tenant}}
    Call("configure kv1", lambda: client.write_data(f"keymgmt/kms/{kv1}", data=body)) \
        .expect("POST", f"/v1/keymgmt/kms/{kv1}", 204, body).no_content()
    # A service principal, credentials in the CLI's list of "k=v".
    body = {"provider": "azurekeyvault", "key_collection": vault2,
            "credentials": [f"tenant_id={tenant}", f"client_id={sp_id}", f"client_secret={sp_secret}"]}
    Call("configure kv2", lambda: client.write_data(f"keymgmt/kms/{kv2}", data=body)) \
        .expect("POST", f"/v1/keymgmt/kms/{kv2}", 204, body).no_content()
    for kv, vault in ((kv1, vault1), (kv2, vault2)):
        data = Call(f"read {kv}", lambda: client.read(f"keymgmt/kms/{kv}")) \
            .expect("GET", f"/v1/keymgmt/kms/{kv}", 200).data()
        check(data == {"key_collection": vault, "provider": "azurekeyvault"}, f"read {kv}: {data}")

    # The key, then its distributions: purpose as a string to kv1, as a list (Terraform's form) to kv2.
    Call("create key", lambda: client.write_data(f"keymgmt/key/{key}", data={"type": "rsa-3072"})) \
        .expect("POST", f"/v1/keymgmt/key/{key}", 204, {"type": "rsa-3072"}).no_content()
    body = {"purpose": "encrypt,decrypt", "protection": "hsm"}
    Call("distribute to kv1", lambda: client.write_data(f"keymgmt/kms/{kv1}/key/{key}", data=body)) \
        .expect("POST", f"/v1/keymgmt/kms/{kv1}/key/{key}", 204, body).no_content()
    body = {"purpose": ["sign", "verify", "wrap", "unwrap"], "protection": "software"}
    Call("distribute to kv2", lambda: client.write_data(f"keymgmt/kms/{kv2}/key/{key}", data=body)) \
        .expect("POST", f"/v1/keymgmt/kms/{kv2}/key/{key}", 204, body).no_content()

    def read_distribution(kv, protection, purpose, latest):
        what = f"read {key} in {kv}"
        data = Call(what, lambda: client.read(f"keymgmt/kms/{kv}/key/{key}")) \
            .expect("GET", f"/v1/keymgmt/kms/{kv}/key/{key}", 200).data()
        return check_distribution(what, data, key, protection, purpose, latest)

    first1 = read_distribution(kv1, "hsm", "encrypt,decrypt", 1)
    first2 = read_distribution(kv2, "software", "sign,verify,wrap,unwrap", 1)

    # Rotate: a POST with no body.
    Call("rotate", lambda: client.write_data(f"keymgmt/key/{key}/rotate")) \
        .expect("POST", f"/v1/keymgmt/key/{key}/rotate", 204).no_content()
    after1 = read_distribution(kv1, "hsm", "encrypt,decrypt", 2)
    after2 = read_distribution(kv2, "software", "sign,verify,wrap,unwrap", 2)
    for before, after in ((first1, after1), (first2, after2)):
        check(after["name"] == before["name"] and after["versions"]["1"] == before["versions"]["1"],
              f"a rotation changed the Azure name or version 1: {before} -> {after}")

    # min_enabled_version as a JSON number.
    Call("min_enabled_version=2", lambda: client.write_data(f"keymgmt/key/{key}", data={"min_enabled_version": 2})) \
        .expect("POST", f"/v1/keymgmt/key/{key}", 204, {"min_enabled_version": 2}).no_content()
    data = Call("read key", lambda: client.read(f"keymgmt/key/{key}")).expect("GET", f"/v1/keymgmt/key/{key}", 200).data()
    check_key("read key", data, key, 2, 2, False, ["2"])
    check(read_distribution(kv1, "hsm", "encrypt,decrypt", 2)["versions"] == after1["versions"],
          "the distribution's versions changed with min_enabled_version")

    # Lists: client.list sends GET ?list=True (Vault parses it with strconv.ParseBool), client.adapter.list
    # the LIST verb.
    keys = Call("list keys", lambda: client.list("keymgmt/key")).expect("GET", "/v1/keymgmt/key?list=True", 200).keys()
    check(key in keys, f"list keys: {key} not in {keys}")
    keys = Call("LIST keys", lambda: client.adapter.list("/v1/keymgmt/key")).expect("LIST", "/v1/keymgmt/key", 200).keys()
    check(key in keys, f"LIST keys: {key} not in {keys}")
    keys = Call("list the key's providers", lambda: client.list(f"keymgmt/key/{key}/kms")) \
        .expect("GET", f"/v1/keymgmt/key/{key}/kms?list=True", 200).keys()
    check(keys == sorted([kv1, kv2]), f"the key's providers: {keys}")
    keys = Call("LIST the key's providers", lambda: client.adapter.list(f"/v1/keymgmt/key/{key}/kms")) \
        .expect("LIST", f"/v1/keymgmt/key/{key}/kms", 200).keys()
    check(keys == sorted([kv1, kv2]), f"the key's providers: {keys}")
    for kv in (kv1, kv2):
        keys = Call(f"list {kv}'s keys", lambda: client.list(f"keymgmt/kms/{kv}/key")) \
            .expect("GET", f"/v1/keymgmt/kms/{kv}/key?list=True", 200).keys()
        check(keys == [key], f"{kv}'s keys: {keys}")
        keys = Call(f"LIST {kv}'s keys", lambda: client.adapter.list(f"/v1/keymgmt/kms/{kv}/key")) \
            .expect("LIST", f"/v1/keymgmt/kms/{kv}/key", 200).keys()
        check(keys == [key], f"{kv}'s keys: {keys}")
    keys = Call("list providers", lambda: client.list("keymgmt/kms")).expect("GET", "/v1/keymgmt/kms?list=True", 200).keys()
    check(kv1 in keys and kv2 in keys, f"providers: {keys}")

    # Remove from kv1; its list is now empty: 404 {"errors":[]}.
    Call("remove from kv1", lambda: client.delete(f"keymgmt/kms/{kv1}/key/{key}")) \
        .expect("DELETE", f"/v1/keymgmt/kms/{kv1}/key/{key}", 204).no_content()
    Call("read the removed distribution", lambda: client.read(f"keymgmt/kms/{kv1}/key/{key}")) \
        .expect("GET", f"/v1/keymgmt/kms/{kv1}/key/{key}", 404).nothing()
    empty = Call("LIST kv1's keys, empty", lambda: client.adapter.list(f"/v1/keymgmt/kms/{kv1}/key")) \
        .expect("LIST", f"/v1/keymgmt/kms/{kv1}/key", 404)
    error = empty.refused(hvac.exceptions.InvalidPath, 404)
    check(json.loads(empty.sent["answer"]) == {"errors": []}, f"empty list answered {empty.sent['answer']!r}")
    check(error.errors == [], f"InvalidPath.errors is {error.errors!r}, want [] (hvac reads errors only from "
                              f"Content-Type application/json; got {empty.sent['content_type']!r})")
    Call("list kv1's keys, empty", lambda: client.list(f"keymgmt/kms/{kv1}/key")) \
        .expect("GET", f"/v1/keymgmt/kms/{kv1}/key?list=True", 404).nothing()
    keys = Call("list the key's providers", lambda: client.list(f"keymgmt/key/{key}/kms")) \
        .expect("GET", f"/v1/keymgmt/key/{key}/kms?list=True", 200).keys()
    check(keys == [kv2], f"the key's providers: {keys}")

    # A key goes only with deletion_allowed=true and in no vault; a provider only when it holds no key.
    def refused_delete(what, path, exception, status, mentions):
        call = Call(what, lambda: client.delete(path)).expect("DELETE", f"/v1/{path}", status)
        error = call.refused(exception, status)
        answer = json.loads(call.sent["answer"])
        check(list(answer) == ["errors"] and len(answer["errors"]) == 1 and mentions in answer["errors"][0],
              f"{what}: answered {call.sent['answer']!r}")
        check(error.errors == answer["errors"], f"{what}: the exception's errors are {error.errors!r} "
                                                f"(Content-Type {call.sent['content_type']!r})")

    refused_delete("delete the key without deletion_allowed", f"keymgmt/key/{key}",
                   hvac.exceptions.InvalidRequest, 400, "deletion is not allowed")
    Call("deletion_allowed", lambda: client.write_data(f"keymgmt/key/{key}", data={"deletion_allowed": True})) \
        .expect("POST", f"/v1/keymgmt/key/{key}", 204, {"deletion_allowed": True}).no_content()
    data = Call("read key", lambda: client.read(f"keymgmt/key/{key}")).expect("GET", f"/v1/keymgmt/key/{key}", 200).data()
    check_key("read key", data, key, 2, 2, True, ["2"])
    refused_delete("delete the key while in kv2", f"keymgmt/key/{key}", hvac.exceptions.InvalidRequest, 400, kv2)
    refused_delete("delete kv2 while it holds the key", f"keymgmt/kms/{kv2}", hvac.exceptions.InvalidRequest, 400, key)
    Call("remove from kv2", lambda: client.delete(f"keymgmt/kms/{kv2}/key/{key}")) \
        .expect("DELETE", f"/v1/keymgmt/kms/{kv2}/key/{key}", 204).no_content()
    empty = Call("LIST the key's providers, empty", lambda: client.adapter.list(f"/v1/keymgmt/key/{key}/kms")) \
        .expect("LIST", f"/v1/keymgmt/key/{key}/kms", 404)
    check(empty.refused(hvac.exceptions.InvalidPath, 404).errors == [], "InvalidPath.errors is not []")
    Call("delete key", lambda: client.delete(f"keymgmt/key/{key}")) \
        .expect("DELETE", f"/v1/keymgmt/key/{key}", 204).no_content()
    Call("read the deleted key", lambda: client.read(f"keymgmt/key/{key}")) \
        .expect("GET", f"/v1/keymgmt/key/{key}", 404).nothing()

    for kv in (kv1, kv2):
        Call(f"delete {kv}", lambda: client.delete(f"keymgmt/kms/{kv}")) \
            .expect("DELETE", f"/v1/keymgmt/kms/{kv}", 204).no_content()
        Call(f"read the deleted {kv}", lambda: client.read(f"keymgmt/kms/{kv}")) \
            .expect("GET", f"/v1/keymgmt/kms/{kv}", 404).nothing()
    listed = Call("list keys", lambda: client.list("keymgmt/key"))
    if listed.value is not None:
        check(key not in listed.keys(), f"{key} still listed")

    print("what went over the wire:")
    print_wire(sys.stdout)
    print(f"hvac {hvac_version()} session passed: {len(wire)} requests, {checks} checks")


def print_wire(out):
    for e in wire:
        print(f"  {e['method']} {e['uri']} {e['body'] or ''}\n    -> {e['status']} {e['answer'].strip()}", file=out)


def hvac_version():
    from importlib.metadata import version
    return version("hvac")


if __name__ == "__main__":
    try:
        session()
    except Exception:
        traceback.print_exc()
        print("requests sent so far:", file=sys.stderr)
        print_wire(sys.stderr)
        sys.exit(1)
