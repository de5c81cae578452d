#!/bin/sh
# Screenshots of the dashboard's fleet, processes, process and timeline views at 1280x800, and of the processes view at
# phone width (390x844), into docs/images/*.png.
# It runs one browser test (EndToEnd/DashboardTests) that starts a real hub and node, starts a few processes and
# photographs the page with Debian's chromium (/usr/bin/chromium, through Playwright; nothing is downloaded).
# Usage, from anywhere: docs/screenshots.sh
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is missing: apt-get install chromium" >&2; exit 1; }
dotnet build BlueZero.sln 2>&1 | grep -E ' error |rror\(s\)' || true
B0_SCREENSHOTS_DIR="$repo/docs/images" dotnet test BlueZero.sln --no-build \
  --filter "FullyQualifiedName~DashboardTests.Screenshots_of_the_fleet_process_and_timeline_views_are_saved_when_asked"
ls -l "$repo"/docs/images/*.png
