#!/usr/bin/env bash
# The heregoes benchmark: the engine (`heregoes serve`), a raw Beast echo server (the transport
# floor) and a Node.js ws peer running the same dialog, measured one after another on this machine
# by bench_loadgen, and printed as ONE table (docs/performance.md explains every row):
#   closed-loop saturation at 10, 100 and 1,000 sessions; open-loop latency at the same offered
#   rates for all three; KB per idle session at 10,000 sessions; sessions created per second.
# Server on CPU0, load generator on CPU1; each point repeated 3 times, medians reported; runs with
# accept-queue overflows or TCP retransmits are discarded. `--smoke` runs a seconds-long version
# for CI that only checks every contender answered and the table was produced (no timed checks).
# `--soak` runs only the soak: 10,000 sessions at 5,000 turns/s for 10 minutes, RSS every 30 s, a
# latency series in 10 s windows, and stack snapshots of the server whenever it stalls.
#
# usage: tests/bench/run.sh [--smoke | --soak]
# env:   BUILD_DIR (default build/default; when unset and binaries are missing they are built)
#        BENCH_OUT (default $BUILD_DIR/bench-results/<time>), BENCH_CONTENDERS ("engine echo node"),
#        HEREGOES_BIN (default $BUILD_DIR/heregoes), BENCH_SERVER_CONFIG (tests/bench/server.json),
#        BENCH_DIALOGS_DIR (dialogs), BENCH_DIALOG (first-session), BENCH_WALK (the walk file),
#        BENCH_SOAK_SECONDS (600), BENCH_SOAK_RATE (5000), BENCH_SOAK_SESSIONS (10000),
#        BENCH_SOAK_WINDOW_SECONDS (10), BENCH_STALL_PROFILE (1; 0 takes no perf profile on a stall)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

smoke=0 soak=0
case "${1:-}" in
--smoke) smoke=1 ;;
--soak) soak=1 ;;
"") ;;
*)
    echo "usage: tests/bench/run.sh [--smoke | --soak]" >&2
    exit 2
    ;;
esac

# ---- parameters -------------------------------------------------------------------------------
if ((smoke)); then
    reps=1 warmup=0.1 measure=0.3 sat_sessions="10" open_sessions=50 idle_sessions=200
    connect_total=200 idle_wait_limit=0 hold=0.3
else
    # 1 s warm-up and 3 s windows keep the whole run under ~10 minutes on this machine; the
    # method (performance.md §6.2) prefers 2 s and 10-20 s when time allows.
    reps=3 warmup=1 measure=3 sat_sessions="10 100 1000" open_sessions=1000 idle_sessions=10000
    connect_total=3000 idle_wait_limit=2 hold=2
fi
contenders=${BENCH_CONTENDERS:-engine echo node}
# The soak (performance.md §6.3 phase 5): 10,000 sessions at 5,000 turns/s for 10 minutes, the
# server's VmRSS sampled every 30 s; only the engine unless BENCH_CONTENDERS says otherwise.
soak_seconds=${BENCH_SOAK_SECONDS:-600} soak_rate=${BENCH_SOAK_RATE:-5000}
soak_sessions=${BENCH_SOAK_SESSIONS:-10000}
soak_sample_every=30
# The soak's latency series: p50/p99/max, turns due, replies, errors and outstanding turns for
# every window of this many seconds, so a bad tail can be placed in time.
soak_window_seconds=${BENCH_SOAK_WINDOW_SECONDS:-10}
# The stall detector. A stall is when the load generator's latest progress line (written every
# second) says the oldest outstanding turn, one due and not yet answered, whether sent or still
# waiting for a free session, has been due for more than stall_threshold_ms. 2 s is over 20 times
# the engine's worst healthy soak p99 on this machine (85 ms), so nothing healthy trips it, and
# short enough to catch a stall while it lasts (soak 6 waited 53 s). At most stall_snapshot_limit
# snapshots per contender, stall_snapshot_gap_s apart: enough to see whether two stalls have one
# cause, and few enough that their profiles stay small.
stall_threshold_ms=2000
stall_snapshot_limit=3
stall_snapshot_gap_s=30
# How long a snapshot's perf profile samples the stalled server. perf samples without stopping it
# (gdb, used before, stopped it for 2-5 s and so lengthened the very stall it was looking at), and
# 3 s is long enough to catch a writer that comes back to the same function for a whole stall.
stall_profile_seconds=3
# Samples per second of each event: about 1,500 stacks in 3 s on a busy core, enough to rank the
# hot functions, while each sample's stack copy (stall_profile_stack_bytes) stays a few MB a
# second. A prime, so it does not beat with timers.
stall_profile_hz=499
# Bytes of each thread's stack perf copies per sample to unwind it afterwards (--call-graph dwarf;
# the RelWithDebInfo build keeps no frame pointers). 16 KiB reaches from a system call back to the
# writer's or the network thread's loop.
stall_profile_stack_bytes=16384
((soak)) && contenders=${BENCH_CONTENDERS:-engine}
walk=${BENCH_WALK:-$repo/tests/bench/load/walks/first-session.json}
dialogs_dir=${BENCH_DIALOGS_DIR:-$repo/dialogs}
dialog_id=${BENCH_DIALOG:-first-session}
server_config=${BENCH_SERVER_CONFIG:-$repo/tests/bench/server.json}

# ---- binaries ---------------------------------------------------------------------------------
if [[ -z "${BUILD_DIR:-}" ]]; then
    BUILD_DIR=$repo/build/default
    need_build=1
else
    need_build=0
fi
[[ "$BUILD_DIR" = /* ]] || BUILD_DIR=$repo/$BUILD_DIR
load_dir=$BUILD_DIR/tests/bench/load
heregoes=${HEREGOES_BIN:-$BUILD_DIR/heregoes}
missing=()
for b in "$load_dir/bench_loadgen" "$load_dir/bench_echo" "$load_dir/bench_report"; do
    [[ -x $b ]] || missing+=("$b")
done
[[ " $contenders " != *" engine "* || -x $heregoes ]] || missing+=("$heregoes")
if ((${#missing[@]})); then
    if ((need_build)); then
        echo "== building the benchmark programs in $BUILD_DIR"
        cmake --preset default >/dev/null
        cmake --build "$BUILD_DIR" -j 2 --target bench_loadgen bench_echo bench_report heregoes
    else
        echo "run.sh: missing ${missing[*]}; build them first:" >&2
        echo "  cmake --build $BUILD_DIR --target bench_loadgen bench_echo bench_report heregoes" >&2
        exit 2
    fi
fi
if [[ " $contenders " == *" node "* ]]; then
    command -v node >/dev/null || {
        echo "run.sh: node is not installed (the Node peer needs Node 20)" >&2
        exit 2
    }
    if [[ ! -d tests/bench/node-peer/node_modules/ws ]]; then
        (cd tests/bench/node-peer && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi

out=${BENCH_OUT:-$BUILD_DIR/bench-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
results=$out/results.jsonl
: >"$results"

# 10,000 idle sessions need 10,000 descriptors in the server and as many in the generator.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Server on CPU0, generator on CPU1, when there are two cores to pin to.
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    pin_server=(taskset -c 0)
    pin_client=(taskset -c 1)
else
    pin_server=()
    pin_client=()
fi

# ---- helpers ----------------------------------------------------------------------------------
server_pid=0
port=0
engine_db=

# Percent of the machine idle over a 0.5 s sample, from /proc/stat.
idle_percent() {
    local a b
    read -r -a a < <(head -1 /proc/stat)
    sleep 0.5
    read -r -a b < <(head -1 /proc/stat)
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    local idle=$((b[4] - a[4] + b[5] - a[5]))
    ((total > 0)) && echo $((100 * idle / total)) || echo 100
}

# Waits (bounded) until the shared machine is at least 90% idle; prints the last reading.
wait_quiet() {
    local deadline=$((SECONDS + idle_wait_limit)) pct=100
    ((idle_wait_limit == 0)) && {
        echo -1
        return
    }
    while :; do
        pct=$(idle_percent)
        ((pct >= 90 || SECONDS >= deadline)) && break
    done
    echo "$pct"
}

# Absolute counters of accept-queue overflows and TCP retransmits.
tcp_counters() {
    nstat -asz TcpExtListenOverflows TcpRetransSegs 2>/dev/null |
        awk '/TcpExtListenOverflows/ {o = $2} /TcpRetransSegs/ {r = $2} END {print o + 0, r + 0}'
}

# A port below the kernel's ephemeral range (32768 and up on Linux), so the thousands of client
# connections of another run on this machine cannot be holding it.
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 12000))
        ss -Htln "sport = :$p" 2>/dev/null | grep -q . || {
            echo "$p"
            return
        }
    done
}

start_server() { # contender
    local c=$1 log=$out/server-$1.log
    port=$(free_port)
    case $c in
    engine)
        engine_db=$(mktemp -d "$out/engine-db.XXXX")
        "${pin_server[@]}" "$heregoes" serve --config "$server_config" --port "$port" --threads 1 \
            --dialogs-dir "$dialogs_dir" --db-path "$engine_db/heregoes.db" >>"$log" 2>&1 &
        ;;
    echo)
        "${pin_server[@]}" "$load_dir/bench_echo" --port "$port" >>"$log" 2>&1 &
        ;;
    node)
        "${pin_server[@]}" node "$repo/tests/bench/node-peer/server.js" --port "$port" \
            --dialogs "$dialogs_dir" --dialog "$dialog_id" >>"$log" 2>&1 &
        ;;
    esac
    server_pid=$!
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "run.sh: the $c server exited at start; its log ($log):" >&2
            tail -20 "$log" >&2
            return 1
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "run.sh: the $c server did not listen on $port within 10 s" >&2
    return 1
}

# Stops the server, and removes the engine's database: after a soak it holds gigabytes.
stop_server() {
    if ((server_pid > 0)); then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=0
    fi
    if [[ -n $engine_db ]]; then
        rm -rf "$engine_db"
        engine_db=
    fi
}
# The soak's progress file while it is on tmpfs; removed if the run is cut short.
progress=
on_exit() {
    stop_server
    [[ -z $progress || ! -e $progress ]] || rm -f "$progress"
}
trap on_exit EXIT

failures=0

# One measured run: loadgen arguments after the contender. Appends one JSON line to results.
measure() { # contender loadgen-args...
    local c=$1
    shift
    local protocol=v1
    [[ $c == echo ]] && protocol="echo"
    local pct before after line rc=0
    pct=$(wait_quiet)
    before=$(tcp_counters)
    line=$("${pin_client[@]}" "$load_dir/bench_loadgen" --port "$port" --walk "$walk" \
        --protocol "$protocol" --server-pid "$server_pid" --label "$c" "$@" 2>>"$out/loadgen.log") || rc=$?
    after=$(tcp_counters)
    if [[ -z $line ]]; then
        echo "run.sh: bench_loadgen produced no result for $c $* (exit $rc)" >&2
        failures=$((failures + 1))
        return
    fi
    ((rc == 0)) || failures=$((failures + 1))
    local overflows=$(($(cut -d' ' -f1 <<<"$after") - $(cut -d' ' -f1 <<<"$before")))
    local retrans=$(($(cut -d' ' -f2 <<<"$after") - $(cut -d' ' -f2 <<<"$before")))
    local extra=",\"idle_pct_before\":$pct,\"listen_overflows\":$overflows,\"retransmits\":$retrans"
    if ((!smoke && (overflows > 0 || retrans > 0))); then
        extra+=",\"discarded\":\"$overflows accept-queue overflows, $retrans retransmits\""
    fi
    line="${line%\}}$extra}"
    echo "$line" >>"$results"
    echo "  $c $*: $(grep -o '"turns_per_s":[0-9.]*\|"p99_us":[0-9.]*\|"kib_per_session":[0-9.]*\|"sessions_per_s":[0-9.]*\|"errors":[0-9]*' <<<"$line" | tr '\n' ' ')"
}

# ---- context ----------------------------------------------------------------------------------
{
    echo "date:      $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine:   $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
    echo "compiler:  $(c++ --version | head -1); Boost 1.81; node $(node --version 2>/dev/null || echo absent)"
    echo "pinning:   server ${pin_server[*]:-none}, load generator ${pin_client[*]:-none}"
    echo "walk:      $walk"
    if ((soak)); then
        echo "mode:      soak, $soak_sessions sessions, $soak_rate turns/s, ${soak_seconds}s, ${soak_window_seconds}s windows"
    else
        echo "mode:      $( ((smoke)) && echo smoke || echo full), $reps repeat(s), ${warmup}s warm-up, ${measure}s windows"
    fi
} | tee "$out/context.txt"

# ---- 5. soak (only with --soak) -----------------------------------------------------------------
# VmRSS in KB of a process, or empty once it has gone.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# The oldest outstanding turn's age in ms from the last whole line of a progress file (lines are
# "progress <s> <phase> <outstanding> <oldest_ms> <replies> end"; a line still being written lacks
# the closing "end"), or nothing when there is no whole line yet.
progress_oldest_ms() {
    tail -n 2 "$1" 2>/dev/null |
        awk '$1 == "progress" && NF == 7 && $7 == "end" {age = $5} END {if (age != "") print age}'
}

# One snapshot of a stalled server into a file: each thread's state, kernel wait channel, current
# system call and kernel stack from /proc (they show a thread blocked in the kernel, e.g. in D
# state writing to a file on a busy disk), then a perf profile of stall_profile_seconds into
# <file>.perf.data when perf is installed. The profile records two events with their user-space
# stacks: cpu-clock, where the threads spend the core, and sched:sched_switch, where each thread
# went to sleep (a writer waiting in fdatasync, a network thread waiting on a lock). Nothing is
# stopped; render_stall_profiles turns the recordings into text once the server has stopped, so
# the reading costs the soak nothing. BENCH_STALL_PROFILE=0 leaves perf out.
capture_stacks() { # pid file why
    local pid=$1 file=$2 t
    {
        echo "# stall snapshot of pid $pid at $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ): $3"
        echo "## threads: tid (name) state | wchan | syscall (number and arguments, or running)"
        for t in /proc/"$pid"/task/*; do
            echo "$(sed 's/^\([0-9]* (.*) [A-Za-z]\).*/\1/' "$t/stat" 2>/dev/null)" \
                "| $(cat "$t/wchan" 2>/dev/null || echo '?')" \
                "| $(cat "$t/syscall" 2>/dev/null || echo '?')"
        done
        echo "## kernel stacks (/proc/$pid/task/*/stack)"
        for t in /proc/"$pid"/task/*; do
            echo "### ${t##*/}"
            cat "$t/stack" 2>/dev/null || echo "(not readable)"
        done
        echo "## perf profile, ${stall_profile_seconds}s (the server keeps running)"
        if [[ ${BENCH_STALL_PROFILE:-1} == 0 ]]; then
            echo "(BENCH_STALL_PROFILE=0: only the /proc parts above)"
        elif ! command -v perf >/dev/null; then
            echo "(perf is not installed: only the /proc parts above)"
        else
            echo "# perf recording from $(date -u +%H:%M:%S.%3N)"
            # perf exits non-zero when the server ends while it records; the file still holds
            # what was sampled until then, and the rendering says if it holds nothing.
            timeout $((stall_profile_seconds + 30)) perf record -q -o "$file.perf.data" \
                -F "$stall_profile_hz" -e cpu-clock -e sched:sched_switch \
                --call-graph "dwarf,$stall_profile_stack_bytes" -p "$pid" \
                -- sleep "$stall_profile_seconds" 2>&1 || echo "(perf record exited with $?)"
            echo "# perf recording until $(date -u +%H:%M:%S.%3N); rendered below after the run"
        fi
    } >"$file" 2>&1
}

# perf report's text without its empty lines, column rulers and tips, each line cut to
# perf_report_columns: C++ template names run to thousands of characters.
perf_report_columns=200
perf_report_body() {
    { grep -v '^#$\|^$\|^# To display\|^# \.\.\.\|Tip:' || true; } | cut -c "1-$perf_report_columns"
}

# Appends each stall snapshot's profile to its file as text: per event, the threads and the
# functions that hold most of the samples, then the call chains that lead to them. Run after the
# server has stopped, because unwinding dwarf stacks takes seconds of CPU.
render_stall_profiles() { # snapshot files...
    local file
    for file in "$@"; do
        [[ -s $file.perf.data ]] || continue
        {
            echo "## perf profile, by thread and function (self samples, over 1%)"
            perf report -i "$file.perf.data" --stdio --no-children --no-inline --sort comm,sym \
                -g none --percent-limit 1 2>&1 | perf_report_body ||
                echo "(perf report failed)"
            echo "## perf profile, call chains into those functions (callee first, over 5%)"
            perf report -i "$file.perf.data" --stdio --no-children --no-inline --sort comm,sym \
                -g callee,5,2 --max-stack 24 --percent-limit 5 2>&1 | perf_report_body ||
                echo "(perf report failed)"
        } >>"$file"
        rm -f "$file.perf.data" "$file.perf.data.old"
    done
}

if ((soak)); then
    echo "== soak: $soak_sessions sessions at $soak_rate turns/s for ${soak_seconds}s"
    stall_files=0
    for c in $contenders; do
        start_server "$c" || {
            failures=$((failures + 1))
            continue
        }
        samples=$out/soak-$c.txt
        echo "# seconds rss_kb" >"$samples"
        protocol=v1
        [[ $c == echo ]] && protocol=echo
        # The progress file lives on tmpfs when there is one: appending to a file on a disk under
        # writeback pressure can block, and the generator must never wait for a disk.
        if [[ -d /dev/shm && -w /dev/shm ]]; then
            progress=$(mktemp /dev/shm/heregoes-soak-progress.XXXXXX)
        else
            progress=$(mktemp "$out/soak-progress.XXXXXX")
        fi
        "${pin_client[@]}" "$load_dir/bench_loadgen" --port "$port" --walk "$walk" \
            --protocol "$protocol" --server-pid "$server_pid" --label "$c" --mode open \
            --sessions "$soak_sessions" --rate "$soak_rate" --warmup 5 --measure "$soak_seconds" \
            --window-seconds "$soak_window_seconds" --progress "$progress" \
            >"$out/soak-$c.json" 2>>"$out/loadgen.log" &
        loadgen_pid=$!
        started=$SECONDS next_sample=0 snapshots=0 last_snapshot=$((SECONDS - stall_snapshot_gap_s))
        stall_list=()
        while kill -0 "$loadgen_pid" 2>/dev/null; do
            elapsed=$((SECONDS - started))
            if ((elapsed >= next_sample)); then
                echo "$elapsed $(rss_kb "$server_pid")" >>"$samples"
                next_sample=$((next_sample + soak_sample_every))
            fi
            age=$(progress_oldest_ms "$progress")
            if [[ -n $age ]] && ((age > stall_threshold_ms && snapshots < stall_snapshot_limit &&
                SECONDS - last_snapshot >= stall_snapshot_gap_s)); then
                snapshots=$((snapshots + 1))
                stall_files=$((stall_files + 1))
                last_snapshot=$SECONDS
                snapshot=$out/stall-stacks-$stall_files.txt
                echo "  $c: stall at ${elapsed}s: the oldest outstanding turn was due ${age} ms ago;" \
                    "taking stacks into $snapshot"
                capture_stacks "$server_pid" "$snapshot" \
                    "$c, ${elapsed}s into the soak, oldest outstanding turn due ${age} ms ago"
                stall_list+=("$snapshot")
            fi
            sleep 1
        done
        wait "$loadgen_pid" || failures=$((failures + 1))
        stop_server
        render_stall_profiles "${stall_list[@]}"
        mv "$progress" "$out/soak-$c-progress.txt"
        progress=
        cat "$out/soak-$c.json" >>"$results"
        # Growth from the first sample once every session is open (after one interval) to the end.
        awk -v c="$c" 'NR > 1 && $2 != "" {n++; if (n <= 2) {first = $2; t0 = $1} last = $2; t = $1}
            END {printf "  %s: VmRSS %d KB at %d s -> %d KB at %d s (%+.1f%%)\n", c, first, t0,
                 last, t, first ? 100 * (last - first) / first : 0}' "$samples"
        # The whole-run figures, from the top level only (the windows carry fields of the same name).
        echo "  $c: $(sed 's/,"windows":\[[^]]*\]//' "$out/soak-$c.json" |
            grep -o '"turns_per_s":[0-9.]*\|"p50_us":[0-9.]*\|"p99_us":[0-9.]*\|"max_us":[0-9.]*\|"errors":[0-9]*' |
            tr '\n' ' ')"
        "$load_dir/bench_report" --windows "$out/soak-$c.json" ||
            echo "  $c: no latency series in $out/soak-$c.json"
        awk -v c="$c" '$1 == "progress" && NF == 7 && $7 == "end" && $5 + 0 >= max {max = $5; at = $2}
            END {printf "  %s: longest wait of an outstanding turn in the progress lines: %d ms, %.0f s after the generator started\n",
                 c, max, at}' "$out/soak-$c-progress.txt"
        if ((${#stall_list[@]})); then
            echo "  $c: stall snapshots: ${stall_list[*]}"
        else
            echo "  $c: no stall snapshot (no progress line read showed a turn outstanding over" \
                "${stall_threshold_ms} ms)"
        fi
    done
    echo "samples:   $out/soak-*.txt (VmRSS), $out/soak-*-progress.txt (every second)"
    ((failures == 0)) || exit 1
    exit 0
fi

# ---- 1. saturation (closed loop) ---------------------------------------------------------------
echo "== closed-loop saturation"
for c in $contenders; do
    start_server "$c" || {
        failures=$((failures + 1))
        continue
    }
    for n in $sat_sessions; do
        for _ in $(seq "$reps"); do
            measure "$c" --mode closed --sessions "$n" --warmup "$warmup" --measure "$measure"
        done
    done
    stop_server
done

# ---- 2. latency at fixed offered rates (open loop) ---------------------------------------------
# The same absolute rates for everyone: 25/50/75% of the slowest contender's saturation, plus 50%
# of the engine's own.
slowest=
for c in $contenders; do
    p=$("$load_dir/bench_report" --peak "$c" "$results" 2>/dev/null) || continue
    if [[ -z $slowest ]] || ((p < slowest)); then slowest=$p; fi
done
rates=
if [[ -n $slowest ]]; then
    rates="$((slowest / 4)) $((slowest / 2)) $((slowest * 3 / 4))"
    if engine_peak=$("$load_dir/bench_report" --peak engine "$results" 2>/dev/null); then
        rates+=" $((engine_peak / 2))"
    fi
    # When the engine is the slowest, its 50% is already in the list.
    rates=$(tr ' ' '\n' <<<"$rates" | sort -nu | tr '\n' ' ')
    rates=${rates% }
fi
echo "== open-loop latency at offered rates: ${rates:-none (no saturation result)}"
for c in $contenders; do
    [[ -n $rates ]] || break
    start_server "$c" || {
        failures=$((failures + 1))
        continue
    }
    for r in $rates; do
        ((r > 0)) || continue
        for _ in $(seq "$reps"); do
            measure "$c" --mode open --sessions "$open_sessions" --rate "$r" \
                --warmup "$warmup" --measure "$measure"
        done
    done
    stop_server
done

# ---- 3. idle memory per session ------------------------------------------------------------------
echo "== idle memory at $idle_sessions sessions"
for c in $contenders; do
    for _ in $(seq "$reps"); do
        # A fresh server each time, so the RSS delta holds only these sessions.
        start_server "$c" || {
            failures=$((failures + 1))
            continue
        }
        measure "$c" --mode idle --sessions "$idle_sessions" --hold "$hold"
        stop_server
    done
done

# ---- 4. session creation rate ----------------------------------------------------------------
echo "== session creation (connect, upgrade, start, first bot message; 200 in flight)"
for c in $contenders; do
    start_server "$c" || {
        failures=$((failures + 1))
        continue
    }
    for _ in $(seq "$reps"); do
        measure "$c" --mode connect --connect-total "$connect_total" --in-flight 200
    done
    stop_server
done

# ---- the table ----------------------------------------------------------------------------------
echo
cat "$out/context.txt"
echo "results:   $results"
echo
report_rc=0
"$load_dir/bench_report" "$results" | tee "$out/table.md" || report_rc=$?
if ((failures > 0 || report_rc != 0)); then
    echo "run.sh: $failures run(s) failed or had errors; see $out/loadgen.log and $out/server-*.log" >&2
    exit 1
fi
