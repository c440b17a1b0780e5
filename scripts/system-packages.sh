#!/usr/bin/env bash
# Debian packages the tests (and OCR / legacy Word files at run time) use. Installs only what is missing;
# without root it prints the command instead of failing, so `make run` still works without OCR.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; } || need+=(tesseract-ocr-vie)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
# Calc: the test that opens the targets CSV in a spreadsheet (tests/answer/test_csv_injection.py)
[ -e /usr/lib/libreoffice/share/registry/calc.xcd ] || need+=(libreoffice-calc-nogui)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Thiếu gói hệ thống: ${need[*]} — cài bằng: sudo apt-get install ${need[*]}" >&2
  exit "${SYSTEM_PACKAGES_STRICT:-0}"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
