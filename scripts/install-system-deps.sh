#!/usr/bin/env bash
# Installs the Debian packages captioner needs, only those that are missing.
#   demo: Apertium English-Spanish, for translated subtitles in the demo
#   test: also the voices of the synthetic webinars (espeak-ng, flite, Festival
#         with two voices) and sox, Chromium and Node.js (replay page and
#         WebVTT validation tests)
set -euo pipefail
group=${1:-demo}
packages=(apertium apertium-eng-spa)
if [ "$group" = test ]; then
  packages+=(espeak-ng flite festival festvox-us-slt-hts festvox-kallpc16k sox libsox-fmt-mp3 ffmpeg
             apertium-eng-cat chromium)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (with npm inside): only its absence counts.
if [ "$group" = test ] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "error: please install as root: apt-get install ${missing[*]}" >&2; exit 1; }
else
  SUDO=
fi
echo "installing Debian packages: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
