#!/usr/bin/env bash
# Compares the rehearsal's speed on two trees: alternating runs of the first STEPS steps, so
# a machine that slows down or speeds up during the comparison affects both alike (one full
# run varies by about ±10% on the 2-core machines; alternating short runs agree within 2%).
#
#   scripts/rehearse-ab.sh OTHER_TREE [STEPS=300] [ROUNDS=2]
#
# OTHER_TREE is a checkout with node_modules, app/generated and build/ in place, e.g.
#   git worktree add /tmp/base <rev> && ln -s "$PWD/node_modules" "$PWD/build" /tmp/base/ && cp -r app/generated /tmp/base/app/
set -euo pipefail
other=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
steps=${2:-300}
rounds=${3:-2}
log=$(mktemp)
for round in $(seq 1 "$rounds"); do
  for tree in "$other" "$here"; do
    # Wall time, and the CPU time of the rehearsal and the app it starts (user + system): on a
    # shared machine the CPU time moves less than the wall time.
    (cd "$tree" && BALLAST_SKIP_BUILD=1 REHEARSAL_PROFILE_STEPS="$steps" /usr/bin/time -f '%e %U %S' -o "$log.time" node --import tsx sim/rehearse.ts --json "$log.json" > "$log" 2>&1)
    read -r wall user system < "$log.time"
    printf '%s round %s: %.1f s wall, %.1f s CPU\n' "$tree" "$round" "$wall" "$(echo "$user + $system" | bc)"
    grep "Worker phases" "$log" | sed 's/^ *adaptive: /    /'
  done
done
rm -f "$log" "$log.json" "$log.time" "${log}.html"
