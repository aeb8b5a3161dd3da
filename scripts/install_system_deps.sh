#!/usr/bin/env bash
# Installs the Debian packages facetalk needs (espeak-ng for --text), when missing, and those its
# tests use: chromium and chromium-driver for the web page's end-to-end test (skipped without them).
set -euo pipefail
needed=()
for_tests=()
command -v espeak-ng >/dev/null 2>&1 || needed+=(espeak-ng)
command -v chromium >/dev/null 2>&1 || for_tests+=(chromium)
command -v chromedriver >/dev/null 2>&1 || for_tests+=(chromium-driver)
missing=("${needed[@]}" "${for_tests[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "facetalk: please install: ${missing[*]} (e.g. sudo apt-get install ${missing[*]})" >&2
    [ ${#needed[@]} -eq 0 ] && exit 0  # without the browser, only its test is skipped
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
