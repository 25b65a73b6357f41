#!/usr/bin/env bash
# Runs the whole keymgmt API on 127.0.0.1 against local stand-ins for Azure: Azurite (Table Storage,
# from npm) and this project's Key Vault emulator with two demo vaults. Like `vault server -dev`:
# everything is in memory, a root token is printed, Ctrl-C stops it all.
#
#   KEYMGMT_PORT                     API port (default 8200)
#   KEYMGMT_DEV_ROOT_TOKEN           fixes the API token (default: a new random one per start)
#   KEYMGMT_ROTATION_SCHEDULE        when the rotation timer fires, NCRONTAB (default: every minute)
#   KEYMGMT_ROTATION_MINIMUM_PERIOD  the shortest auto_rotate_period a key may have (default 1h)
#   KEYMGMT_AZURITE_DEBUG_LOG        a file for Azurite's request log (every storage call and its status)
#
# Once ready it writes .local/stack.json with every address, token and certificate a script needs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
STATE="$ROOT/.local"
LOGS="$STATE/logs"
PORT="${KEYMGMT_PORT:-8200}"
SERVER_JAR="functions/keymgmt-server/target/quarkus-app/quarkus-run.jar"
EMULATOR_JAR="infra/local/keyvault-emulator/target/keymgmt-keyvault-emulator.jar"
AZURITE_DIR="infra/local/azurite"
VAULTS=(demo-vault-1 demo-vault-2)
# Fixed, obviously fake identifiers of the local tenant and identities (not secrets).
TENANT_ID="00000000-0000-4000-8000-00000000a001"
MI_CLIENT_ID="00000000-0000-4000-8000-00000000c001"
MI_OBJECT_ID="00000000-0000-4000-8000-00000000d001"
SP_CLIENT_ID="00000000-0000-4000-8000-00000000c002"
SP_OBJECT_ID="00000000-0000-4000-8000-00000000d002"
READER_CLIENT_ID="00000000-0000-4000-8000-00000000c003"
READER_OBJECT_ID="00000000-0000-4000-8000-00000000d003"

die() { echo "run-local: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not on the PATH: $2"; }
random_secret() { node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))'; }
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'; }
json_get() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));let v=j;for(const k of process.argv[2].split("."))v=v[k];process.stdout.write(typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
healthy() { node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))' "http://127.0.0.1:$PORT/v1/sys/health"; }

need java "install a JDK, version 17 or newer"
need node "install Node.js 20 or newer (it runs Azurite)"
need npm "install npm (it comes with Node.js)"
java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
[ "${java_version:-0}" -ge 17 ] || die "Java 17 or newer is needed; 'java' is version ${java_version:-unknown}"
node_version=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_version" -ge 20 ] || die "Node.js 20 or newer is needed; 'node' is version $node_version"

mkdir -p "$LOGS"
chmod 700 "$STATE"

# A previous run that crashed may have left its processes behind; they are ours to stop.
if [ -f "$STATE/pids" ]; then
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$STATE/pids"
  sleep 1
  while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done < "$STATE/pids"
  rm -f "$STATE/pids"
fi
rm -f "$STATE/stack.json" "$STATE/emulator-ready.json"
port_open "$PORT" && die "port $PORT on 127.0.0.1 is in use; stop what holds it or set KEYMGMT_PORT"

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  if [ ${#PIDS[@]} -gt 0 ]; then
    echo
    echo "Stopping keymgmt, the Key Vault emulator and Azurite..."
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  rm -f "$STATE/pids" "$STATE/stack.json" "$STATE/emulator-ready.json"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT
started() { PIDS+=("$1"); echo "$1" >> "$STATE/pids"; }

newest_source=$(find shared functions infra/local/keyvault-emulator infra/local/testkit pom.xml \
  \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -newer "$SERVER_JAR" -print -quit 2>/dev/null || true)
if [ ! -f "$SERVER_JAR" ] || [ ! -f "$EMULATOR_JAR" ] || [ -n "$newest_source" ]; then
  echo "Building keymgmt (the first build downloads dependencies and takes a few minutes)..."
  if ! ./mvnw -B -q -DskipTests -pl functions/keymgmt-server,infra/local/keyvault-emulator -am package \
      > "$LOGS/build.log" 2>&1; then
    tail -n 40 "$LOGS/build.log" >&2
    die "the build failed; the whole log is in $LOGS/build.log"
  fi
fi

if [ ! -x "$AZURITE_DIR/node_modules/.bin/azurite" ]; then
  echo "Installing Azurite from npm (pinned by $AZURITE_DIR/package-lock.json)..."
  (cd "$AZURITE_DIR" && npm ci --no-audit --no-fund --ignore-scripts > "$LOGS/npm.log" 2>&1) \
    || die "npm ci failed; see $LOGS/npm.log"
fi

AZURITE_PORT=$(free_port)
QUEUE_PORT=$(free_port)
BLOB_PORT=$(free_port)
# Tables hold the keys and providers; the queue carries rotation work from the timer to the worker.
"$AZURITE_DIR/node_modules/.bin/azurite" --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" \
  --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
  --inMemoryPersistence --disableTelemetry --skipApiVersionCheck \
  ${KEYMGMT_AZURITE_DEBUG_LOG:+--debug "$KEYMGMT_AZURITE_DEBUG_LOG"} > "$LOGS/azurite.log" 2>&1 &
started $!
for _ in $(seq 1 300); do port_open "$AZURITE_PORT" && port_open "$QUEUE_PORT" && break; sleep 0.2; done
port_open "$QUEUE_PORT" || die "Azurite did not start; see $LOGS/azurite.log"
AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
TABLE_ENDPOINT="http://127.0.0.1:$AZURITE_PORT/devstoreaccount1"
QUEUE_ENDPOINT="http://127.0.0.1:$QUEUE_PORT/devstoreaccount1"
STORAGE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;TableEndpoint=$TABLE_ENDPOINT;QueueEndpoint=$QUEUE_ENDPOINT;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;"

SP_SECRET=$(random_secret)
MI_HEADER=$(random_secret)
PERMISSIONS='["get","list","create","import","update","delete"]'
policies="{\"$MI_CLIENT_ID\": $PERMISSIONS, \"$SP_CLIENT_ID\": $PERMISSIONS}"
vaults_json=""
for v in "${VAULTS[@]}"; do
  vaults_json+="${vaults_json:+,}{\"name\":\"$v\",\"port\":0,\"location\":\"local\",\"accessPolicies\":$policies}"
done
umask 077
cat > "$STATE/emulator.json" <<JSON
{
  "tenantId": "$TENANT_ID",
  "reader": "$READER_CLIENT_ID",
  "managedIdentity": {"port": 0, "header": "$MI_HEADER"},
  "systemAssignedIdentity": {"objectId": "$MI_OBJECT_ID", "clientId": "$MI_CLIENT_ID"},
  "servicePrincipals": [
    {"clientId": "$SP_CLIENT_ID", "objectId": "$SP_OBJECT_ID", "secret": "$SP_SECRET"},
    {"clientId": "$READER_CLIENT_ID", "objectId": "$READER_OBJECT_ID", "secret": "$(random_secret)"}
  ],
  "vaults": [$vaults_json]
}
JSON
java -jar "$EMULATOR_JAR" --config "$STATE/emulator.json" --ready-file "$STATE/emulator-ready.json" \
  > "$LOGS/emulator.log" 2>&1 &
started $!
for _ in $(seq 1 300); do [ -f "$STATE/emulator-ready.json" ] && break; sleep 0.2; done
[ -f "$STATE/emulator-ready.json" ] || die "the Key Vault emulator did not start; see $LOGS/emulator.log"
READY="$STATE/emulator-ready.json"
CA_FILE=$(json_get "$READY" caCertificate)
AUTHORITY=$(json_get "$READY" authorityHost)

TOKEN="${KEYMGMT_DEV_ROOT_TOKEN:-$(random_secret)}"
env_props=(
  "-Dkeymgmt.azure.default-environment=KeyVaultEmulator"
  "-Dkeymgmt.azure.trust-certificates=$CA_FILE"
  "-Dkeymgmt.azure.environments.KeyVaultEmulator.audience=https://vault.azure.net"
  "-Dkeymgmt.azure.environments.KeyVaultEmulator.authority-host=$AUTHORITY"
  "-Dkeymgmt.azure.environments.KeyVaultEmulator.verify-challenge-resource=false"
)
for v in "${VAULTS[@]}"; do
  env_props+=("-Dkeymgmt.azure.environments.KeyVaultEmulator.vaults.$v=$(json_get "$READY" "vaults.$v")")
done
# Secrets go through the environment, not the command line, which other users can read with ps.
KEYMGMT_API_TOKEN="$TOKEN" \
KEYMGMT_STORAGE_CONNECTION_STRING="$STORAGE" \
KEYMGMT_SEAL_MODE=local-file \
KEYMGMT_SEAL_LOCAL_KEY_FILE="$STATE/seal.key" \
KEYMGMT_KEYVAULT_PACING_LIMIT=0 \
KEYMGMT_ROTATION_LOCAL_RUNTIME=true \
KEYMGMT_ROTATION_SCHEDULE="${KEYMGMT_ROTATION_SCHEDULE:-0 * * * * *}" \
IDENTITY_ENDPOINT="$(json_get "$READY" managedIdentityEndpoint)" \
IDENTITY_HEADER="$(json_get "$READY" managedIdentityHeader)" \
QUARKUS_HTTP_PORT="$PORT" \
  java "${env_props[@]}" -jar "$SERVER_JAR" > "$LOGS/server.log" 2>&1 &
started $!
for _ in $(seq 1 300); do
  healthy && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || break
  sleep 0.2
done
healthy || { tail -n 30 "$LOGS/server.log" >&2; die "the keymgmt server did not start; see $LOGS/server.log"; }

node - "$STATE/stack.json" <<NODE
const fs = require("fs");
const ready = JSON.parse(fs.readFileSync("$READY", "utf8"));
const vaults = {};
for (const [name, url] of Object.entries(ready.vaults)) vaults[name] = { url };
const stack = {
  api: { address: "http://127.0.0.1:$PORT", token: "$TOKEN" },
  tenant_id: "$TENANT_ID",
  keyvault: {
    vaults,
    ca_certificate: ready.caCertificate,
    reader_token: ready.readerToken,
    api_version: "7.4",
    note: "Key Vault emulator: a development and test double, not Azure"
  },
  identities: {
    managed_identity: { client_id: "$MI_CLIENT_ID", object_id: "$MI_OBJECT_ID" },
    service_principal: { client_id: "$SP_CLIENT_ID", client_secret: "$SP_SECRET", authority_host: ready.authorityHost }
  },
  azurite: { table_endpoint: "$TABLE_ENDPOINT", queue_endpoint: "$QUEUE_ENDPOINT", connection_string: "$STORAGE" },
  rotation: { queue: "keymgmt-rotation", poison_queue: "keymgmt-rotation-poison", schedule: "${KEYMGMT_ROTATION_SCHEDULE:-0 * * * * *}" },
  logs: "$LOGS"
};
const tmp = process.argv[2] + ".tmp";
fs.writeFileSync(tmp, JSON.stringify(stack, null, 2) + "\n", { mode: 0o600 });
fs.renameSync(tmp, process.argv[2]);
NODE

cat <<BANNER

keymgmt is running, in memory, against Azurite and the Key Vault emulator (local stand-ins, not Azure).

    export VAULT_ADDR='http://127.0.0.1:$PORT'
    export VAULT_TOKEN='$TOKEN'

Tenant ID (give it as credentials tenant_id): $TENANT_ID
Demo vaults (key_collection):
$(for v in "${VAULTS[@]}"; do printf '    %-14s %s\n' "$v" "$(json_get "$READY" "vaults.$v")"; done)

Addresses, tokens and the emulator's CA certificate are in .local/stack.json; logs in .local/logs.
Press Ctrl-C to stop.
BANNER

# Stop everything as soon as any part dies, so a half-working stack never lingers.
wait -n "${PIDS[@]}" || true
echo "run-local: a component stopped unexpectedly; see $LOGS" >&2
exit 1
