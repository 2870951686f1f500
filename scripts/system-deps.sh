#!/usr/bin/env bash
# System packages dealwise needs, installed with apt when missing and we are root:
# ffmpeg (its CLI converts test fixtures; decoding itself uses the ffmpeg libraries bundled in PyAV),
# chromium (the report test renders the coach report headless) and a CJK font (so Chinese renders).
set -euo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "dealwise needs these system packages: ${missing[*]}." >&2
  echo "Install them (e.g. 'sudo apt-get install -y ${missing[*]}') and run make again." >&2
  exit 1
fi
