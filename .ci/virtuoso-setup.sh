#!/usr/bin/env bash
# Install Debian's Virtuoso Open Source (virtuoso-t, isql-vt) for the endpoint tests
# (crates/ggen-cli/tests/virtuoso.rs). The tests start their own server on loopback ports in a
# temporary directory; the system service the package ships is never started.
#
# Non-interactive: the package's debconf questions (DBA password, ports) are left unanswered
# (empty password = the package disables its own daemon), and a temporary policy-rc.d keeps
# the postinst from starting the system service while installing.
set -euo pipefail

if command -v virtuoso-t >/dev/null && { command -v isql-vt >/dev/null || command -v isql >/dev/null; }; then
  echo "virtuoso: $(command -v virtuoso-t) already installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "virtuoso-setup: need root or sudo to install virtuoso-opensource" >&2
    exit 1
  fi
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# written by ggen .ci/virtuoso-setup.sh while installing; removed afterwards\nexit 101\n' \
    | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi
cleanup() { if ((created_policy)); then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  virtuoso-opensource-7 >/dev/null

command -v virtuoso-t >/dev/null || { echo "virtuoso-setup: virtuoso-t not found after install" >&2; exit 1; }
echo "virtuoso: installed $(dpkg-query -W -f '${Version}' virtuoso-opensource-7)"
