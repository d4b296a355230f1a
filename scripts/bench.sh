#!/usr/bin/env bash
# Benchmarks `peixun check` on generated Mianyang-like data (examples/generate.rs).
#
#   scripts/bench.sh           # 100k, 1M and 3M cadres (UTF-8), 1M as GBK, 100k as xlsx,
#                              # 1M with a units table and 学时 (--units), run with the
#                              # embedded rules and with scripts/bench-units.toml
#   scripts/bench.sh quick     # 100k cadres (UTF-8) only
#   scripts/bench.sh trend     # 1M cadres: one check, and trend with 39 monthly points
#                              # (2018-01-31 … 2021-02-28 and 2021-03-01), SPEC §9: at
#                              # most 10 times one check (also part of the full run)
#   scripts/bench.sh many      # 1M cadres as today beside 1M with a quarter of them
#                              # untrained (--untrained 25, ≈ 300,000 findings): the JSON
#                              # check and every format written with -o; 100k so too
#   scripts/bench.sh 10m       # 10M cadres (≈ 2.6 GB of CSV, generated, measured 3 times,
#                              # then deleted; needs ≈ 3 GB free disk)
#
# Environment: BENCH_RUNS=N runs per dataset (default 7 for 1M cadres, the target; 5 for
# the others); BENCH_DATA=DIR where the data is cached (default target/bench-data; a
# dataset is regenerated when examples/generate.rs changes); BENCH_TIMEOUT=SECONDS per
# run (default 300); BENCH_COMPARE=BINARY another peixun build whose output the
# many-findings data must match byte for byte, in every streamed format (json, csv,
# junit, markdown) and with --mask-ids and --due-within (`many` mode).
#
# Each run is `peixun check DIR --as-of 2021-03-01 --format json > /dev/null` (with
# `--rules scripts/bench-units.toml` for the row units-1m+rules), timed by
# GNU time (wall seconds, peak RSS). Exit status 1 is expected (the data has findings);
# 2 or anything else fails the benchmark. Prints a Markdown table on stdout, progress on
# stderr. The full run takes about 2 minutes on a 2-core machine (data generation
# included; the data, ≈ 1.2 GB, is cached).
set -euo pipefail

cd "$(dirname "$0")/.."

mode=${1:-full}
case $mode in
quick | full | trend | many | 10m) ;;
*)
    echo "usage: $0 [quick|full|trend|many|10m]" >&2
    exit 2
    ;;
esac

as_of=2021-03-01
data_root=${BENCH_DATA:-target/bench-data}
timeout_s=${BENCH_TIMEOUT:-300}
gnu_time=/usr/bin/time

if ! "$gnu_time" -f '%e %M' -o /dev/null true 2>/dev/null; then
    echo "bench: needs GNU time at $gnu_time (apt-get install time)" >&2
    exit 2
fi

log() { echo "bench: $*" >&2; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

started=$SECONDS

log "building (cargo build --release --locked)"
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example generate
bin=target/release/peixun
gen=target/release/examples/generate
gen_hash=$(sha256sum examples/generate.rs | cut -c1-16)
mkdir -p "$data_root"

# dataset NAME CADRES [generator options…]: generates NAME unless cached; the stamp file
# holds the cache key and the generator's summary.
dataset() {
    local name=$1 cadres=$2
    shift 2
    local dir=$data_root/$name stamp=$data_root/$name.stamp
    local key="$gen_hash --cadres $cadres $*"
    if [[ -f $stamp && $(head -n 1 "$stamp") == "$key" && -d $dir ]]; then
        log "$name: cached in $dir"
        return
    fi
    log "$name: generating $cadres cadres${*:+ $*} into $dir"
    rm -rf "$dir" "$stamp"
    {
        echo "$key"
        "$gen" --cadres "$cadres" --out "$dir" "$@"
    } >"$stamp.tmp"
    mv "$stamp.tmp" "$stamp"
}

# field NAME 'rows'|'bytes': from the generator's "total R rows B bytes" line.
field() {
    awk -v want="$2" '$1 == "total" { print (want == "rows" ? $2 : $4) }' "$data_root/$1.stamp"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

table=()

# measure NAME RUNS [RULES]: the row is NAME, or NAME+rules with a rule file.
measure() {
    local name=$1 runs=${BENCH_RUNS:-$2} rules=${3:-}
    local dir=$data_root/$name label=$1
    local -a extra=()
    if [[ -n $rules ]]; then
        extra=(--rules "$rules")
        label=$name+rules
    fi
    local -a secs=() rss=()
    local i rc
    for ((i = 1; i <= runs; i++)); do
        rc=0
        timeout "$timeout_s" "$gnu_time" -f '%e %M' -o "$tmp/time" \
            "$bin" check "$dir" --as-of "$as_of" --format json "${extra[@]}" >/dev/null 2>"$tmp/stderr" || rc=$?
        if [[ $rc -ne 0 && $rc -ne 1 ]]; then
            log "$label: run $i failed with exit status $rc$([[ $rc -eq 124 ]] && echo " (timed out after ${timeout_s}s)")"
            sed 's/^/  /' "$tmp/stderr" >&2
            exit 1
        fi
        # GNU time writes "Command exited with non-zero status 1" before the figures.
        read -r s kb < <(tail -n 1 "$tmp/time")
        secs+=("$s")
        rss+=("$kb")
        log "$label: run $i/$runs: ${s}s, $((kb / 1024)) MiB, exit $rc"
    done
    local median min max peak
    median=$(printf '%s\n' "${secs[@]}" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    min=$(printf '%s\n' "${secs[@]}" | sort -g | head -n 1)
    max=$(printf '%s\n' "${secs[@]}" | sort -g | tail -n 1)
    peak=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
    local rows bytes
    rows=$(field "$name" rows)
    bytes=$(field "$name" bytes)
    table+=("$(printf '| %s | %s | %s | %s | %s | %s–%s | %s |' \
        "$label" \
        "$(thousands "$rows")" \
        "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" \
        "$runs" "$median" "$min" "$max" \
        "$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')")")
}

trend_rows=()

# measure_trend NAME RUNS: `trend` with 39 monthly points beside one `check` (the median
# of RUNS each), and their ratio.
measure_trend() {
    local name=$1 runs=${BENCH_RUNS:-$2}
    local dir=$data_root/$name
    local -a check_s=() trend_s=() trend_rss=() ratio=()
    local i rc s kb
    for ((i = 1; i <= runs; i++)); do
        for what in check trend; do
            local -a cmd=("$bin" check "$dir" --as-of "$as_of" --format json)
            if [[ $what == trend ]]; then
                cmd=("$bin" trend "$dir" --from 2018-01-01 --to "$as_of" --format json)
            fi
            rc=0
            timeout "$((timeout_s * 10))" "$gnu_time" -f '%e %M' -o "$tmp/time" \
                "${cmd[@]}" >"$tmp/out" 2>"$tmp/stderr" || rc=$?
            if [[ $rc -ne 0 && $rc -ne 1 ]]; then
                log "$name $what: run $i failed with exit status $rc"
                sed 's/^/  /' "$tmp/stderr" >&2
                exit 1
            fi
            read -r s kb < <(tail -n 1 "$tmp/time")
            if [[ $what == trend ]]; then
                local points
                points=$(grep -c '"met_rate"' "$tmp/out" || true)
                trend_s+=("$s")
                trend_rss+=("$kb")
                # Against the check just before it: the machine's load shifts less
                # within a pair than across the whole run.
                ratio+=("$(awk -v c="${check_s[-1]}" -v t="$s" 'BEGIN { printf "%.2f", t / c }')")
                log "$name trend: run $i/$runs: ${s}s, $((kb / 1024)) MiB, exit $rc ($points series points), ${ratio[-1]}× the check before it"
            else
                check_s+=("$s")
                log "$name check: run $i/$runs: ${s}s, exit $rc"
            fi
        done
    done
    local med='sort -g | awk '"'"'{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'"'"
    local c t peak r
    c=$(printf '%s\n' "${check_s[@]}" | eval "$med")
    t=$(printf '%s\n' "${trend_s[@]}" | eval "$med")
    r=$(printf '%s\n' "${ratio[@]}" | eval "$med")
    peak=$(printf '%s\n' "${trend_rss[@]}" | sort -g | tail -n 1)
    trend_rows+=("$(printf '| %s | 39 | %s | %s | %s | %s | %s |' "$name" "$runs" "$c" "$t" \
        "$(awk -v r="$r" 'BEGIN { printf "%.1f×", r }')" \
        "$(awk -v k="$peak" 'BEGIN { printf "%.0f", k / 1024 }')")")
}

# formats NAME: each format written with -o, one run each (a row per format).
formats() {
    local name=$1 dir=$data_root/$1 format s kb rc
    for format in json csv markdown junit html table xlsx; do
        rc=0
        timeout "$timeout_s" "$gnu_time" -f '%e %M' -o "$tmp/time" \
            "$bin" check "$dir" --as-of "$as_of" --format "$format" -o "$tmp/out" 2>"$tmp/stderr" || rc=$?
        if [[ $rc -ne 0 && $rc -ne 1 ]]; then
            log "$name --format $format: failed with exit status $rc"
            sed 's/^/  /' "$tmp/stderr" >&2
            exit 1
        fi
        read -r s kb < <(tail -n 1 "$tmp/time")
        log "$name --format $format: ${s}s, $((kb / 1024)) MiB"
        table+=("$(printf '| %s -o %s (%s MB) | %s | %s | 1 | %s | %s | %s |' "$name" "$format" \
            "$(awk -v b="$(stat -c %s "$tmp/out")" 'BEGIN { printf "%.1f", b / 1e6 }')" \
            "$(thousands "$(field "$name" rows)")" \
            "$(awk -v b="$(field "$name" bytes)" 'BEGIN { printf "%.1f", b / 1e6 }')" \
            "$s" "$s" "$((kb / 1024))")")
    done
}

# compare NAME: the same bytes as $BENCH_COMPARE's, format by format.
compare() {
    local dir=$data_root/$1 format
    local -a opts
    for opts in "--format json" "--format csv" "--format junit" "--format markdown" \
        "--format json --mask-ids --due-within 400d" "--format csv --mask-ids"; do
        # shellcheck disable=SC2086
        "$BENCH_COMPARE" check "$dir" --as-of "$as_of" $opts -o "$tmp/old" 2>/dev/null || true
        # shellcheck disable=SC2086
        "$bin" check "$dir" --as-of "$as_of" $opts -o "$tmp/new" 2>/dev/null || true
        if ! cmp -s "$tmp/old" "$tmp/new"; then
            log "$1 $opts: output differs from $BENCH_COMPARE's"
            exit 1
        fi
        log "$1 $opts: the same $(stat -c %s "$tmp/new") bytes as $BENCH_COMPARE's"
    done
}

if [[ $mode == many ]]; then
    dataset many-100k 100000 --untrained 25
    measure many-100k 5
    dataset utf8-1m 1000000
    measure utf8-1m 7
    dataset many-1m 1000000 --untrained 25
    measure many-1m 7
    formats many-1m
    if [[ -n ${BENCH_COMPARE:-} ]]; then
        compare many-1m
    fi
fi

if [[ $mode == 10m ]]; then
    free_kb=$(df -Pk "$data_root" | awk 'NR == 2 { print $4 }')
    if ((free_kb < 4 * 1024 * 1024)); then
        log "10m: needs 4 GB free in $data_root, $((free_kb / 1024)) MB free"
        exit 2
    fi
    dataset utf8-10m 10000000
    measure utf8-10m 3
    rm -rf "${data_root:?}/utf8-10m"
    log "10m: data deleted"
fi

if [[ $mode == quick || $mode == full ]]; then
    dataset utf8-100k 100000
    measure utf8-100k 5
fi
if [[ $mode == trend ]]; then
    dataset utf8-1m 1000000
    measure_trend utf8-1m 3
fi
if [[ $mode == full ]]; then
    dataset utf8-1m 1000000
    measure utf8-1m 7
    dataset utf8-3m 3000000
    measure utf8-3m 5
    dataset gbk-1m 1000000 --encoding gbk
    measure gbk-1m 5
    dataset xlsx-100k 100000 --xlsx
    measure xlsx-100k 5
    dataset units-1m 1000000 --units
    measure units-1m 7
    measure units-1m 7 scripts/bench-units.toml
    measure_trend utf8-1m 3
fi

echo
echo "peixun $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo '+dirty'), $(nproc) CPUs ($(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), check --as-of $as_of --format json"
echo
if [[ ${#table[@]} -gt 0 ]]; then
    echo "| dataset | rows (all tables) | MB | runs | wall s (median) | wall s (min–max) | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${table[@]}"
    echo
fi
if [[ ${#trend_rows[@]} -gt 0 ]]; then
    echo "trend --from 2018-01-01 --to $as_of --format json (SPEC §9: at most 10× one check)"
    echo
    echo "| dataset | points | runs | check wall s (median) | trend wall s (median) | trend ÷ check (median of pairs) | trend peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${trend_rows[@]}"
    echo
fi
log "done in $((SECONDS - started))s"
