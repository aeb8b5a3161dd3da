#!/usr/bin/env bash
# Installs the Debian packages facetalk needs (espeak-ng for --text), when missing, and those its
# tests use: chromium and chromium-driver for the web page's end-to-end test (skipped without them),
# and the Asterisk English prompts with their transcript (the lip corpus's human speech, whose
# held-out prompts the training tests check).
set -euo pipefail
needed=()
for_tests=()
command -v espeak-ng >/dev/null 2>&1 || needed+=(espeak-ng)
command -v chromium >/dev/null 2>&1 || for_tests+=(chromium)
command -v chromedriver >/dev/null 2>&1 || for_tests+=(chromium-driver)
[ -f /usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz ] || for_tests+=(asterisk-core-sounds-en)
[ -d /usr/share/asterisk/sounds/en ] && ls /usr/share/asterisk/sounds/en/*.wav >/dev/null 2>&1 \
    || for_tests+=(asterisk-core-sounds-en-wav)
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
