#!/usr/bin/env bash
# Native readiness check that needs no GraalVM: runs Quarkus' native build steps with
# quarkus.native.sources-only=true, which fails on build-time problems a native build would meet
# (unsupported build-time initialisation, missing registrations Quarkus can detect) and writes the
# native-image sources and arguments to functions/keymgmt-server/target/native-sources.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl functions/keymgmt-server -am package -DskipTests \
  -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true
test -f functions/keymgmt-server/target/native-sources/native-image.args
echo "native sources written to functions/keymgmt-server/target/native-sources"
