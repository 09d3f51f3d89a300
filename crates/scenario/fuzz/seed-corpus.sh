#!/usr/bin/env bash
# Fills corpus/<target>/ with seeds. load_bytes: the shipped scenarios, the test fixture and a
# course file (valid RON that is not a scenario). structured: one input per shipped scenario,
# picked undamaged, and a few fixed byte strings for the synthetic generator. Safe to rerun.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../.."
mkdir -p "$here/corpus/load_bytes" "$here/corpus/structured"
cp "$root"/scenarios/*.ron "$root"/crates/scenario/tests/fixtures/*.ron \
    "$here/corpus/load_bytes/"
cp "$root/scenarios/courses/frontline.ron" "$here/corpus/load_bytes/course_frontline.ron"
# generate::scenario reads a 0 byte as "damage a shipped scenario", the next byte as which one
# (14 of them), and then runs out of bytes, which `arbitrary` reads as zeros: no edits.
for k in $(seq 0 13); do
    printf "\\x00\\x$(printf %02x "$k")" >"$here/corpus/structured/shipped-$k"
done
# Fixed pseudo-random bytes starting with 1 ("synthetic"), so runs start from the same place.
for n in $(seq 0 15); do
    bytes='\x01'
    for round in 1 2 3 4; do
        hex=$(printf '%s-%s' "$n" "$round" | sha256sum | cut -c1-64)
        bytes+=$(sed 's/../\\x&/g' <<<"$hex")
    done
    printf "$bytes" >"$here/corpus/structured/synthetic-$n"
done
