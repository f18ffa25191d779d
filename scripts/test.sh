#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine: installs what the tests need when it is
# missing (redis-server; chromium and chromium-driver for the browser tests; nodejs and npm, then
# `npm ci` of the pinned standardwebhooks package the signature tests verify with), then runs Maven.
# The tests start their own redis-server on a free loopback port (or use REDIS_URL when set).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ -f src/test/java/io/presencegateway/browser/.needs-chromium ] || grep -rqs 'usr/bin/chromium' src/test/java; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
command -v node >/dev/null 2>&1 || command -v nodejs >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ "${#need[@]}" -gt 0 ]; then
  echo "Installing test dependencies: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The public Standard Webhooks library (npm `standardwebhooks`, version pinned in package-lock.json)
# that PublicLibrarySignatureTest verifies real deliveries with; the test fails, never skips, without it.
for dir in src/test/node/*/; do
  if ! (cd "$dir" && npm ls --depth=0 >/dev/null 2>&1); then
    echo "Installing test dependencies: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

exec mvn -B -ntp verify "$@"
