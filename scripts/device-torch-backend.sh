#!/bin/sh
# Run on a real NVIDIA machine: prints what the torch-backend probes read, then the decision.
# Usage: scripts/device-torch-backend.sh [DIR_OF_BUNDLED_SO_FILES]
# Needs ./build/ptinstall (or PTINSTALL_BINARY). Reads only; installs nothing.
BIN=${PTINSTALL_BINARY:-./build/ptinstall}
[ -n "$1" ] && export LD_LIBRARY_PATH="$1${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
section() { printf '\n===== %s\n' "$*"; }
section os-release; cat /etc/os-release 2>&1
section "ldd --version"; ldd --version 2>&1 | head -1
section nvidia-smi; nvidia-smi 2>&1
section "nvidia-smi queries"
nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>&1; echo "exit $?"
nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>&1; echo "exit $?"
section /sys/module/nvidia/version; cat /sys/module/nvidia/version 2>&1
section /proc/driver/nvidia/version; cat /proc/driver/nvidia/version 2>&1
section "ptinstall torch-backend"; "$BIN" torch-backend; echo "exit $?"
section "ptinstall torch-backend --json"; "$BIN" torch-backend --json; echo "exit $?"
