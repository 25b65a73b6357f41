#!/usr/bin/env bash
# Builds the four function apps as Azure Functions custom handlers and zips each folder for deployment:
#   native-build/target/custom-handlers/keymgmt-<app>/      host.json, VaultApi/function.json, handler
#   native-build/target/custom-handlers/keymgmt-<app>.zip   the same, for zip deployment
# With GraalVM or Mandrel for JDK 25 (GRAALVM_HOME set, or native-image on the PATH) each handler is a native
# executable (linux-amd64 when built on Linux, as Flex Consumption needs). Without one, each handler is a JVM
# launcher (needs Java 17+ where it runs), so the same folders still run and can be tested.
#
#   native-build/build-native.sh           build and assemble
#   native-build/build-native.sh --test    also run the assembled folders as the Functions host does (the ITs)
set -euo pipefail
cd "$(dirname "$0")/.."
goal=package
skip_tests=(-DskipTests)
if [ "${1:-}" = "--test" ]; then
  goal=verify
  skip_tests=(-Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false)
fi
native=()
if [ -n "${GRAALVM_HOME:-}" ] || command -v native-image >/dev/null 2>&1; then
  echo "build-native: building native executables (GraalVM: ${GRAALVM_HOME:-$(command -v native-image)})"
  native=(-Dquarkus.native.enabled=true)
else
  echo "build-native: no GraalVM or Mandrel (GRAALVM_HOME, native-image); each handler will be a JVM launcher"
fi
./mvnw -B "$goal" -pl native-build/assembly -am "${skip_tests[@]}" "${native[@]}"
out=native-build/target/custom-handlers
for folder in "$out"/keymgmt-*/; do
  app=$(basename "$folder")
  rm -f "$out/$app.zip"
  (cd "$folder" && zip -q -r -X "../$app.zip" .)
  echo "build-native: $out/$app.zip"
done
