#!/usr/bin/env bash
# Native readiness check that needs no GraalVM, for every app that ships as a native executable: the four
# custom handlers and the aggregate server. Runs Quarkus' native build steps with
# quarkus.native.sources-only=true, which fails on build-time problems a native build would meet
# (unsupported build-time initialisation, missing registrations Quarkus can detect) and leaves each app's
# native-image sources and arguments in its target/native-sources/.
set -euo pipefail
cd "$(dirname "$0")/.."
apps=(native-build/provider-configuration native-build/key-distribution native-build/deletion native-build/rotation
      functions/keymgmt-server)
modules=$(IFS=,; echo "${apps[*]}")
./mvnw -B -q -pl "$modules" -am package -DskipTests -Dexec.skip=true \
  -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true
for app in "${apps[@]}"; do
  test -f "$app/target/native-sources/native-image.args" || { echo "no native sources for $app" >&2; exit 1; }
  echo "native sources written to $app/target/native-sources"
done
