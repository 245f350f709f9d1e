#!/usr/bin/env bash
# Tools the ggen-registry tests need, installed from Debian when missing:
#   postgresql               throwaway clusters (initdb + pg_ctl) for the PostgreSQL tests
#   chromium, chromium-driver  the headless-browser test of the HTML page (WebDriver)
# Safe to call or to `source`: it runs in a subshell, changes no shell options and exports
# nothing. The tests skip visibly without these tools unless GGEN_REQUIRE_POSTGRES=1 /
# GGEN_REQUIRE_BROWSER=1 are set, which CI should set after calling this script.
(
  set -euo pipefail
  sudo=""
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then sudo=sudo; fi
  need=()
  if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
  fi
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  if ((${#need[@]})); then
    echo "registry-setup: installing ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  # Debian starts a system cluster when it installs postgresql where it can; the tests do not
  # use it (they run their own on a free loopback port).
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null
  command -v chromium >/dev/null
  command -v chromedriver >/dev/null
)
