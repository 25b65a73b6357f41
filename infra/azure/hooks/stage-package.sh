#!/usr/bin/env sh
# azd's prepackage hook of each function-app service: builds the packaging KEYMGMT_PACKAGING names and
# stages it in functions/<app>/target/azd-package/, the service's dist, which azd zips and deploys.
#   java-worker     target/azure-functions/keymgmt-<app>/ written by ./mvnw -B package
#   custom-handler  native-build/target/custom-handlers/keymgmt-<app>/ written by native-build/build-native.sh
# azd runs service hooks in the service's project folder, so the folder's name is the app's id.
set -eu
app=$(basename "$(pwd)")
root=$(cd ../.. && pwd)
packaging=${KEYMGMT_PACKAGING:-java-worker}
stage="$(pwd)/target/azd-package"

case "$app" in
  provider-configuration|key-distribution|deletion|rotation) ;;
  *) echo "stage-package: run from functions/<app>, not $(pwd)" >&2; exit 2 ;;
esac

case "$packaging" in
  java-worker)
    (cd "$root" && ./mvnw -B -q package -pl "functions/$app" -am -DskipTests)
    built="$root/functions/$app/target/azure-functions/keymgmt-$app"
    ;;
  custom-handler)
    # build-native.sh builds all four apps at once; the first service's hook builds, the other three reuse
    # it as long as nothing changed since (same commit, clean tree).
    out="$root/native-build/target/custom-handlers"
    commit=$(cd "$root" && git rev-parse HEAD 2>/dev/null || echo none)
    dirty=$(cd "$root" && git status --porcelain 2>/dev/null | grep -v '^??' || true)
    if [ -n "$dirty" ] || [ ! -f "$out/.built-for-$commit" ]; then
      (cd "$root" && native-build/build-native.sh)
      [ -n "$dirty" ] || touch "$out/.built-for-$commit"
    fi
    built="$out/keymgmt-$app"
    if [ ! -x "$built/handler" ]; then
      echo "stage-package: $built/handler is missing; native-build/build-native.sh did not assemble $app" >&2
      exit 1
    fi
    if ! head -c 4 "$built/handler" | grep -q ELF; then
      # Without GraalVM the handler is a JVM launcher, and Flex Consumption's custom runtime has no Java.
      echo "stage-package: $built/handler is not a native executable (no GraalVM or Mandrel here);" \
        "Flex Consumption cannot run it. Build on a machine with GRAALVM_HOME, or use KEYMGMT_PACKAGING=java-worker." >&2
      exit 1
    fi
    ;;
  *)
    echo "stage-package: KEYMGMT_PACKAGING must be java-worker or custom-handler, got $packaging" >&2
    exit 2
    ;;
esac

if [ ! -f "$built/host.json" ]; then
  echo "stage-package: $built has no host.json; the build did not write the $packaging folder" >&2
  exit 1
fi
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$built/." "$stage/"
# The local host's settings (FUNCTIONS_WORKER_RUNTIME, which Flex Consumption refuses as a setting): Azure
# ignores the file, and the app settings come from the templates alone.
rm -f "$stage/local.settings.json"
echo "stage-package: $app ($packaging) staged in $stage"
