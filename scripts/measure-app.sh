#!/usr/bin/env bash
# Measures the desktop app under Xvfb with Mesa's software Vulkan (lavapipe):
#   1. time from process start to the first frame in which the sign-in screen is interactive
#      (the log line `sign-in screen ready`), against a bare bevy_egui window with one label
#      built with the same Bevy features (examples/bare_egui.rs, log line `bare egui ready`):
#      the floor for this stack;
#   2. CPU use while idle on the playing screen for 10 s (target: under 2% of one core);
#   3. peak resident memory (VmHWM in /proc/PID/status, and GNU time's maximum RSS).
#
# Usage: scripts/measure-app.sh [release|debug]      (default: release)
#   Uses target/<profile>/silent-slavery and target/<profile>/examples/bare_egui, building
#   them first when missing (delete them to measure a fresh build).
#   Environment: RUNS (default 5) timed starts of each program, WARMUP (default 1) untimed
#   starts of each first (the first fills Mesa's shader cache and, after a build, may read
#   the binary from disk; it is reported apart), TIMEOUT (default 120) seconds before a
#   run is given up, MEASURE_TMP (default /tmp/measure) for the scratch files (kept).
#
# Needs: Xvfb, xdotool, imagemagick (`import`, for a screenshot of the playing screen),
# Mesa's Vulkan drivers, GNU time as /usr/bin/time (`apt-get install xvfb xdotool
# imagemagick mesa-vulkan-drivers time`; Debian/Ubuntu's `time` package, not the shell
# keyword), getconf, awk; sqlite3 optional (confirms the attempt started).
#
# Startup time is wall time from a timestamp taken in the child just before exec to the
# timestamp on the ready log line (Bevy logs to stderr); the time the script saw the line,
# polling every 50 ms, is shown beside it. The line is logged in the first egui pass of
# the screen, so it marks the first frame that takes input, not its pixels on screen.
# Each start gets its own Xvfb (a free display, chosen by Xvfb itself), a fresh
# SILENT_SLAVERY_DB and XDG_CONFIG_HOME, and runs from the repository root (the app reads
# ./scenarios). The Markdown table at the end is meant for docs/performance.md. Keep the
# machine otherwise quiet: the load average is printed.
set -euo pipefail

mode=${1:-release}
case "$mode" in
release) cargo_flags=(--release) ;;
debug) cargo_flags=() ;;
-h | --help)
    sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "usage: $0 [release|debug]" >&2
    exit 2
    ;;
esac

# Decimal points in $EPOCHREALTIME, awk and sort whatever the user's locale.
export LC_ALL=C
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
runs=${RUNS:-5}
warmup=${WARMUP:-1}
timeout=${TIMEOUT:-120}
idle_secs=10
app_bin=target/$mode/silent-slavery
bare_bin=target/$mode/examples/bare_egui

die() {
    echo "measure-app: $*" >&2
    exit 1
}

for tool in Xvfb xdotool import getconf awk; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install xvfb xdotool imagemagick)"
done
[[ -x /usr/bin/time ]] || die "GNU time is not installed as /usr/bin/time (apt-get install time)"

if [[ ! -x $app_bin ]]; then
    echo "building $app_bin ..." >&2
    cargo build "${cargo_flags[@]}" --bin silent-slavery
fi
if [[ ! -x $bare_bin ]]; then
    echo "building $bare_bin ..." >&2
    cargo build "${cargo_flags[@]}" --example bare_egui
fi

mkdir -p "${MEASURE_TMP:-/tmp/measure}"
work=$(mktemp -d "${MEASURE_TMP:-/tmp/measure}/measure-app.XXXXXX")
# Open sign-in (staff number, name, unit typed, no PIN), as a classroom workstation.
printf '(identity: Open)\n' >"$work/workstation.ron"
clk_tck=$(getconf CLK_TCK)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Every process this script starts, for the trap.
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 0.2
    for pid in "${pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts an Xvfb on a display it picks itself; sets $display and $xvfb_pid.
start_xvfb() {
    local dir=$1 deadline=$((SECONDS + 20))
    Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp -noreset 3>"$dir/display" 2>"$dir/xvfb.log" &
    xvfb_pid=$!
    pids+=("$xvfb_pid")
    until [[ -s $dir/display ]] && grep -q . "$dir/display"; do
        kill -0 "$xvfb_pid" 2>/dev/null || die "Xvfb did not start: $(tail -3 "$dir/xvfb.log")"
        ((SECONDS < deadline)) || die "Xvfb did not report a display within 20 s"
        sleep 0.05
    done
    display=:$(head -1 "$dir/display")
}

# Starts a program under GNU time in its own Xvfb with fresh state; sets $run_pid (the
# `time` process) and $dir. The child records $EPOCHREALTIME just before exec.
start_program() {
    local bin=$1 name=$2
    dir=$(mktemp -d "$work/$name.XXXX")
    mkdir -p "$dir/config" "$dir/data"
    start_xvfb "$dir"
    (
        export DISPLAY=$display SILENT_SLAVERY_DB=$dir/results.sqlite3 \
            XDG_CONFIG_HOME=$dir/config XDG_DATA_HOME=$dir/data XDG_CACHE_HOME=$work/cache \
            SILENT_SLAVERY_WORKSTATION=$work/workstation.ron NO_COLOR=1
        unset WAYLAND_DISPLAY
        printf '%s\n' "$EPOCHREALTIME" >"$dir/start"
        exec /usr/bin/time -v -o "$dir/time.txt" "$bin"
    ) >"$dir/stdout.log" 2>"$dir/log" &
    run_pid=$!
    pids+=("$run_pid")
}

# The program itself, the child of `time`: sets $prog.
program_pid() {
    local deadline=$((SECONDS + 10))
    prog=""
    until prog=$(pgrep -P "$run_pid" | head -1) && [[ -n $prog ]]; do
        kill -0 "$run_pid" 2>/dev/null || return 1
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
    pids+=("$prog")
}

# Waits for a fixed string in $dir/log; sets $seen (when the script saw it). Fails (with a
# message) when the program exits first or after $timeout seconds.
wait_for_line() {
    local line=$1 what=$2 deadline=$((SECONDS + timeout))
    until grep -qF "$line" "$dir/log"; do
        if ! kill -0 "$run_pid" 2>/dev/null; then
            echo "measure-app: $what exited before logging '$line'; its log ($dir/log) ends:" >&2
            tail -5 "$dir/log" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "measure-app: $what: no '$line' within $timeout s, giving up on this run; its log ($dir/log) ends:" >&2
            tail -5 "$dir/log" >&2
            return 1
        fi
        sleep 0.05
    done
    seen=$EPOCHREALTIME
}

# Milliseconds from the pre-exec timestamp to the log line's own timestamp (falls back to
# when the script saw it, when the line has no parsable timestamp).
startup_ms() {
    local line=$1 start stamp logged
    start=$(<"$dir/start")
    stamp=$(grep -F "$line" "$dir/log" | head -1 | sed 's/\x1b\[[0-9;]*m//g' | awk '{print $1}')
    if logged=$(date -d "$stamp" +%s.%N 2>/dev/null); then
        awk -v a="$start" -v b="$logged" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
    else
        awk -v a="$start" -v b="$seen" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
    fi
}

# Stops the program $prog (SIGTERM, then SIGKILL after 5 s), `time` and the Xvfb, and
# forgets their ids.
stop_program() {
    local i pid keep=()
    if [[ -n $prog ]]; then
        kill -TERM "$prog" 2>/dev/null || true
        for i in $(seq 50); do
            kill -0 "$run_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$prog" 2>/dev/null || true
    fi
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
    kill -TERM "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
    for pid in "${pids[@]}"; do
        [[ $pid == "$prog" || $pid == "$run_pid" || $pid == "$xvfb_pid" ]] || keep+=("$pid")
    done
    pids=("${keep[@]}")
}

vmhwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.0f", k / 1024 }'; }

# Median and minimum of numbers, one a line on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minimum() { sort -n | head -1; }

# One timed start: sets $r_ms, $r_kib (peak RSS), $r_seen_ms, $r_dir, or fails.
time_start() {
    local bin=$1 name=$2 line=$3
    start_program "$bin" "$name"
    if ! program_pid; then
        echo "measure-app: $name did not start; its log ($dir/log) ends:" >&2
        tail -5 "$dir/log" >&2
        stop_program
        return 1
    fi
    if ! wait_for_line "$line" "$name"; then
        stop_program
        return 1
    fi
    r_ms=$(startup_ms "$line")
    r_seen_ms=$(awk -v a="$(<"$dir/start")" -v b="$seen" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    sleep 1 # let it settle, so the peak RSS includes the first frames
    stop_program
    r_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time.txt")
    r_dir=$dir
}

echo "measuring $mode builds: $app_bin, $bare_bin; scratch files in $work" >&2
echo "load average before: $load_before" >&2

declare -A times rss cold
for program in app bare; do
    times[$program]=""
    rss[$program]=""
    cold[$program]="n/a"
done
failed=0
for ((i = 1 - warmup; i <= runs; i++)); do
    for program in app bare; do
        if [[ $program == app ]]; then
            bin=$app_bin line="sign-in screen ready"
        else
            bin=$bare_bin line="bare egui ready"
        fi
        label=$([[ $i -le 0 ]] && echo "warm-up" || echo "run $i/$runs")
        if time_start "$bin" "$program" "$line"; then
            printf '%-5s %-9s %6s ms to ready (seen after %s ms), peak RSS %s MiB\n' \
                "$program" "$label" "$r_ms" "$r_seen_ms" "$(mib "$r_kib")" >&2
            if ((i <= 0)); then
                if ((i == 1 - warmup)); then cold[$program]=$r_ms; fi
            else
                times[$program]+="$r_ms"$'\n'
                rss[$program]+="$r_kib"$'\n'
            fi
        else
            echo "measure-app: $program $label failed" >&2
            failed=$((failed + 1))
        fi
    done
done

# One number a line, blank lines dropped.
values() { printf '%s' "$1" | grep . || true; }
app_n=$(values "${times[app]}" | wc -l)
bare_n=$(values "${times[bare]}" | wc -l)
((app_n > 0 && bare_n > 0)) || die "no successful timed start of the app ($app_n) or the bare window ($bare_n)"
app_median=$(values "${times[app]}" | median)
bare_median=$(values "${times[bare]}" | median)
app_min=$(values "${times[app]}" | minimum)
bare_min=$(values "${times[bare]}" | minimum)
app_rss=$(values "${rss[app]}" | median)
bare_rss=$(values "${rss[bare]}" | median)
ratio=$(awk -v a="$app_median" -v b="$bare_median" 'BEGIN { printf "%.2f", a / b }')

# Idle CPU over $idle_secs s of a running program, as % of one core.
idle_cpu() {
    local prog=$1 t0 t1 w0 w1
    t0=$(cpu_ticks "$prog")
    w0=$EPOCHREALTIME
    sleep "$idle_secs"
    t1=$(cpu_ticks "$prog")
    w1=$EPOCHREALTIME
    awk -v t="$((t1 - t0))" -v hz="$clk_tck" -v w0="$w0" -v w1="$w1" \
        'BEGIN { printf "%.1f %d %.1f", t / hz / (w1 - w0) * 100, t, w1 - w0 }'
}

# The bare window idle, for comparison (no input at all).
echo "bare: idle CPU, $idle_secs s ..." >&2
start_program "$bare_bin" bare-idle
program_pid || die "bare_egui did not start: $(tail -3 "$dir/log")"
wait_for_line "bare egui ready" bare || die "bare_egui did not get ready"
sleep 2
read -r bare_cpu bare_ticks bare_wall <<<"$(idle_cpu "$prog")"
bare_hwm=$(vmhwm_kib "$prog")
stop_program

# The app, signed in and idle on the playing screen.
echo "app: signing in and opening scenario 1 ..." >&2
start_program "$app_bin" app-idle
program_pid || die "the app did not start: $(tail -3 "$dir/log")"
wait_for_line "sign-in screen ready" app || die "the app did not get ready"
app_log=$dir/log
deadline=$((SECONDS + timeout))
until window=$(DISPLAY=$display xdotool search --name "Silent Slavery Trainer" 2>/dev/null | head -1) && [[ -n $window ]]; do
    ((SECONDS < deadline)) || die "no window named 'Silent Slavery Trainer' within $timeout s"
    sleep 0.25
done
export DISPLAY=$display
xdotool windowfocus --sync "$window"
xdotool mousemove 5 5
sleep 0.5
xdotool type --delay 80 4521
sleep 0.3
xdotool key Tab
sleep 0.3
xdotool type --delay 80 "A. Example"
sleep 0.3
xdotool key Tab
sleep 0.3
xdotool type --delay 80 "North Response"
sleep 0.3
xdotool key Return
sleep 1
# Scenario 01: two digits, as the library lists more than nine; Return passes its content
# warning.
xdotool key 0
sleep 0.3
xdotool key 1
sleep 0.5
xdotool key Return
sleep 2
import -window root "$dir/playing.png" 2>/dev/null || true
unset DISPLAY
attempt="unknown (no sqlite3)"
if command -v sqlite3 >/dev/null; then
    attempt=$(sqlite3 "file:$dir/results.sqlite3?mode=ro" \
        "SELECT scenario_id || ' ' || status FROM attempts WHERE staff_number = '4521'" 2>/dev/null || true)
    [[ -n $attempt ]] || echo "measure-app: WARNING: no attempt recorded: the app may not be on the playing screen (see $dir/playing.png)" >&2
fi
echo "app: on the playing screen (attempt: ${attempt:-none}); idle CPU, $idle_secs s ..." >&2
read -r app_cpu app_ticks app_wall <<<"$(idle_cpu "$prog")"
app_hwm=$(vmhwm_kib "$prog")
stop_program
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The machine.
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
adapter=$(grep -m1 -o 'AdapterInfo {.*}' "$app_log" 2>/dev/null || true)
if [[ -n $adapter ]]; then
    adapter_name=$(sed -n 's/.*name: "\([^"]*\)".*/\1/p' <<<"$adapter")
    driver_info=$(sed -n 's/.*driver_info: "\([^"]*\)".*/\1/p' <<<"$adapter")
    backend=$(sed -n 's/.*backend: \([A-Za-z]*\).*/\1/p' <<<"$adapter")
    gpu="$adapter_name ($backend, $driver_info)"
else
    gpu="not in the log"
fi

cat <<EOF

## Startup, idle CPU and memory ($mode build, $(date -u +%Y-%m-%d))

| Measure | App | Bare bevy_egui window |
|---|---:|---:|
| Start to interactive first frame, median of $app_n / $bare_n (ms) | $app_median | $bare_median |
| Start to interactive first frame, min (ms) | $app_min | $bare_min |
| Ratio app / bare (medians) | $ratio | 1 |
| First (warm-up) start, fresh Mesa shader cache (ms) | ${cold[app]} | ${cold[bare]} |
| Peak RSS at startup, median (MiB, GNU time) | $(mib "$app_rss") | $(mib "$bare_rss") |
| Idle CPU over ${idle_secs} s (% of one core; app on the playing screen) | $app_cpu | $bare_cpu |
| Peak RSS after the idle period (MiB, VmHWM) | $(mib "$app_hwm") | $(mib "$bare_hwm") |

Machine: $(nproc) cores, $cpu_model, $mem_total; Xvfb 1280x900x24; adapter: $gpu.
Load average (1, 5, 15 min) before: $load_before; after: $load_after.
"Interactive first frame": the ready line, logged in the first egui pass of the screen.
Idle CPU: $app_ticks ticks (app) and $bare_ticks ticks (bare) at $clk_tck ticks/s over ${app_wall} s / ${bare_wall} s.
EOF
if ((failed > 0)); then
    echo
    echo "$failed start(s) failed and are not counted (see the messages above)."
fi
