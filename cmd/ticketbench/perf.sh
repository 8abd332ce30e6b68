#!/bin/sh
# perf.sh: the end-to-end measurements of docs/PERFORMANCE.md (section "ticketbench: end
# to end"), ticketd and ticketbench on one machine over loopback.
#
#   cmd/ticketbench/perf.sh [STEP…]      from the repository root
#
# Steps: build limits embedded postgres lag fill startup lifecycle memory search rss pages. The default is
# all but fill (which builds the million-event store once in $OUT/big; startup does it
# when missing), lifecycle (which repeats only the lifecycle runs) and memory (ticketd's
# RSS with 100,000 tickets) and search (--search off against the default) and rss (ticketd
# at rest on 100,000 tickets, --search off and the default) and pages (the help center's
# ticket page and the desk's team queue over 10,000 open tickets, and their first loads' bytes). BIN (default $OUT/bin) names
# the binaries' directory, so two builds can be measured on one store; PORT moves the
# search, rss and pages steps off their default port. Results go to $OUT (default
# /tmp/ticketbench-perf): one JSON report per run, CPU profiles, and summary.txt with the
# load average before each step. Needs PostgreSQL at $PGURL (trust auth) for limits and
# postgres; every database it makes is named bench_<step>_<pid> and dropped at the end.
set -eu
OUT=${OUT:-/tmp/ticketbench-perf}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
DURATION=${DURATION:-20s}
CLIENTS=${CLIENTS:-64}
LAG=${LAG:-portal} # the lag probe of the lifecycle and mixed runs
export TICKETS_ADMIN_TOKEN=${TICKETS_ADMIN_TOKEN:-perf-admin-token-0123456789}
BIN=${BIN:-$OUT/bin}
mkdir -p "$OUT" "$BIN"
log() { echo "$(date -u +%H:%M:%S) [$(cut -d' ' -f1-3 /proc/loadavg)] $*" | tee -a "$OUT/summary.txt"; }
createdb() { psql "$PGURL/postgres" -qAtc "CREATE DATABASE $1"; }
dropdb() { psql "$PGURL/postgres" -qAtc "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }

# up PORT DATA FLAGS…: start ticketd, wait for /readyz, set $PID.
up() {
	port=$1 data=$2; shift 2
	"$BIN/ticketd" --addr 127.0.0.1:$port --data "$data" --log-level info --pprof "$@" >"$OUT/ticketd-$port.out" 2>"$OUT/ticketd-$port.log" &
	PID=$!
	until curl -sf -o /dev/null http://127.0.0.1:$port/readyz; do
		kill -0 $PID 2>/dev/null || { cat "$OUT/ticketd-$port.log"; exit 1; }
		sleep 0.02
	done
}
down() { kill $PID; wait $PID 2>/dev/null || true; }

# run NAME PORT ARGS…: ticketbench against the ticketd of $PID, a CPU profile of ticketd
# taken over the middle of the run.
run() {
	name=$1 port=$2; shift 2
	log "run $name: ticketbench --url http://127.0.0.1:$port --pid $PID $*"
	(sleep 3; curl -s -o "$OUT/$name.cpu.pprof" "http://127.0.0.1:$port/debug/pprof/profile?seconds=10") &
	prof=$!
	"$BIN/ticketbench" --url http://127.0.0.1:$port --pid $PID --json --progress 0 "$@" >"$OUT/$name.json"
	wait $prof
	jq -r '"  \(.commands_per_s|floor) commands/s, \(.reads_per_s|floor) reads/s, p99 \([.kinds[]|select(.class=="command")|.p99_ms]|max) ms (worst command kind), lag p99 \(.projection_lag.p99_ms) ms (\(.projection_lag.samples) samples, \(.projection_lag.missed) missed), errors \(.errors_by_status), ticketd \(.server.cpu_cores) cores, ticketbench \(.ticketbench_cpu_cores) cores, peak RSS \(.server.peak_rss_mib|floor) MiB"' "$OUT/$name.json" | tee -a "$OUT/summary.txt"
}

step_build() {
	go build -o "$BIN/" ./cmd/ticketd ./cmd/ticketbench ./cmd/ticketctl
}

# The machine's physical limits: synchronous 4 KiB writes (what an fsynced commit costs),
# and PostgreSQL's insert-only TPS with pgbench (one small JSON row per transaction).
step_limits() {
	for i in 1 2 3; do
		log "dd 4 KiB O_DSYNC writes: $(dd if=/dev/zero of="$OUT/dsync.test" bs=4k count=5000 oflag=dsync 2>&1 | tail -1)"
	done
	rm -f "$OUT/dsync.test"
	db=bench_limits_$$
	createdb $db
	psql "$PGURL/$db" -qc "CREATE TABLE ins (id bigserial PRIMARY KEY, v int, data jsonb, t timestamptz)"
	printf '%s\n' '\set v random(1, 1000000)' \
		"INSERT INTO ins (v, data, t) VALUES (:v, '{\"type\":\"TicketReplied\",\"body\":\"Thank you, we are on it.\"}', now());" >"$OUT/insert.sql"
	for c in 16 64; do
		log "pgbench insert-only -c $c: $(pgbench -n -f "$OUT/insert.sql" -c $c -j 2 -T 15 "$PGURL/$db" 2>&1 | grep -E '^tps' | head -1)"
	done
	dropdb $db
}

step_embedded() {
	rm -rf "$OUT/embedded"
	up 18180 "$OUT/embedded"
	run embedded-lifecycle 18180 -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	run embedded-read-heavy 18180 --scenario read-heavy -c "$CLIENTS" --duration "$DURATION" --lag none
	run embedded-portal 18180 --scenario portal -c "$CLIENTS" --duration "$DURATION" --lag none
	run embedded-mixed 18180 --scenario mixed -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	down
}

# Only the lifecycle runs of both stores, fresh each time: for repeated measurements.
step_lifecycle() {
	n=$(date +%H%M%S)
	rm -rf "$OUT/lc-$n"
	up 18185 "$OUT/lc-$n"
	run embedded-lifecycle-$n 18185 -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	down
	rm -rf "$OUT/lc-$n"
	db=bench_lc_$$
	createdb $db
	up 18185 "$OUT/lc-$n" --eventstore "$PGURL/$db?sslmode=disable" --readmodel "$PGURL/$db?sslmode=disable"
	run postgres-lifecycle-$n 18185 -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	down
	dropdb $db
	rm -rf "$OUT/lc-$n"
}

# The search projection's cost on the embedded store: lifecycle runs with --search off
# and with the default (bleve in <data>/search), alternately, fresh each time.
step_search() {
	port=${PORT:-18187}
	for mode in off default; do
		n=$(date +%H%M%S)
		rm -rf "$OUT/search-$n"
		if [ $mode = off ]; then up $port "$OUT/search-$n" --search off; else up $port "$OUT/search-$n"; fi
		run search-$mode-$n $port -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
		down
		rm -rf "$OUT/search-$n"
	done
}

step_postgres() {
	db=bench_pg_$$
	createdb $db
	rm -rf "$OUT/postgres"
	up 18181 "$OUT/postgres" --eventstore "$PGURL/$db?sslmode=disable" --readmodel "$PGURL/$db?sslmode=disable"
	run postgres-lifecycle 18181 -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	run postgres-mixed 18181 --scenario mixed -c "$CLIENTS" --duration "$DURATION" --lag "$LAG"
	down
	dropdb $db
}

# Projection lag at a fixed offered load, open loop.
step_lag() {
	rm -rf "$OUT/lag"
	up 18182 "$OUT/lag"
	run lag-portal-1000 18182 -c "$CLIENTS" --rate 1000 --duration "$DURATION" --lag portal --lag-every 5
	run lag-queue-1000 18182 -c "$CLIENTS" --rate 1000 --duration "$DURATION" --lag queue --lag-every 5
	down
}

# A million-event embedded store: 143,000 lifecycles of 7 events (1,001,024 with the agents).
step_fill() {
	rm -rf "$OUT/big"
	up 18183 "$OUT/big"
	run fill 18183 -c 32 --count 143000 --lag none
	down
}

# caught_up LOG START_NS: once the log's "caught up" lines stop coming (none for 3 s), the
# ms from START_NS to the last one; "none" if no consumer logged one within 60 s.
caught_up() {
	n=0 quiet=0 waited=0
	while [ $quiet -lt 3 ] && [ $waited -lt 120 ]; do
		m=$(grep -c "caught up" "$1" || true)
		if [ "$m" -gt 0 ] && [ "$m" = "$n" ]; then quiet=$((quiet + 1)); else quiet=0; n=$m; fi
		waited=$((waited + 1))
		[ "$n" = 0 ] && [ $waited -ge 60 ] && { echo none; return; }
		sleep 1
	done
	last=$(grep "caught up" "$1" | tail -1 | jq -r .time)
	echo $(( ($(date -d "$last" +%s%N) - $2) / 1000000 ))
}

# Start-up on the million-event store: until /readyz, and until every background
# consumer logs that it caught up; memory once caught up; replay rate of ticketctl verify.
# The first start is cold: the page cache is dropped before it (as root), as after a reboot.
step_startup() {
	[ -d "$OUT/big" ] || step_fill
	for extra in cold "" "--policies=false"; do
		if [ "$extra" = cold ]; then
			extra=""
			sync
			echo 3 >/proc/sys/vm/drop_caches 2>/dev/null && log "page cache dropped" || log "page cache not dropped (not root?)"
		fi
		start=$(date +%s%N)
		up 18184 "$OUT/big" $extra
		ready=$(( ($(date +%s%N) - start) / 1000000 ))
		caught=$(caught_up "$OUT/ticketd-18184.log" $start)
		cp "$OUT/ticketd-18184.log" "$OUT/startup$extra.log"
		grep "caught up" "$OUT/ticketd-18184.log" >>"$OUT/summary.txt" || true
		log "startup on 1M events $extra: /readyz after $ready ms, last consumer caught up after $caught ms; $(grep -E 'VmHWM|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | paste -sd' ')"
		down
	done
	log "replay: $( { /usr/bin/time -f '%e s wall, %U s user, %M KiB max RSS' "$BIN/ticketctl" --data "$OUT/big" verify 2>&1 >/dev/null; } | tail -2 | paste -sd' ')"
}

# ticketd's memory with 100,000 tickets in the memory read models: a store of 100,000
# lifecycles (made once in $OUT/m100k; each run works on a copy, so it stays at 100,000),
# ticketd restarted on it (a full rebuild of the read models at start), its memory once
# every consumer caught up and the mapped pages were released; then the peak is reset
# (clear_refs 5) and 30 s of lifecycles run on top. GOMEMLIMIT, if set, reaches ticketd.
step_memory() {
	if [ ! -d "$OUT/m100k" ]; then
		up 18186 "$OUT/m100k"
		run memory-fill 18186 -c 32 --count 100000 --lag none
		down
	fi
	rm -rf "$OUT/m100k-run"
	cp -r "$OUT/m100k" "$OUT/m100k-run"
	log "memory: GOMEMLIMIT=${GOMEMLIMIT:-unset}"
	start=$(date +%s%N)
	up 18186 "$OUT/m100k-run"
	ready=$(( ($(date +%s%N) - start) / 1000000 ))
	caught=$(caught_up "$OUT/ticketd-18186.log" $start)
	sleep 2
	log "memory with 100,000 tickets: /readyz after $ready ms, caught up after $caught ms; $(grep -E 'VmHWM|VmRSS|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | paste -sd' ')"
	echo 5 >/proc/$PID/clear_refs
	run memory-load 18186 -c "$CLIENTS" --duration 30s --lag "$LAG"
	log "memory after the run: $(grep -E 'VmHWM|VmRSS|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | paste -sd' ')"
	down
	rm -rf "$OUT/m100k-run"
}

# ticketd at rest on 100,000 tickets (docs/PERFORMANCE.md "Memory with 100,000 tickets,
# back under budget"): a store of 100,000 lifecycles (made once in $OUT/m100k, with
# --search off so no index is kept in it), and for --search off and the default (the
# embedded index, built at this first start) ticketd restarted on a fresh copy: the time to
# /readyz, to the last "caught up", and its memory 2 s after that.
step_rss() {
	port=${PORT:-18188}
	if [ ! -d "$OUT/m100k" ]; then
		up $port "$OUT/m100k" --search off
		run memory-fill $port -c 32 --count 100000 --lag none
		down
	fi
	for mode in off default; do
		rm -rf "$OUT/m100k-run"
		cp -r "$OUT/m100k" "$OUT/m100k-run"
		start=$(date +%s%N)
		if [ $mode = off ]; then up $port "$OUT/m100k-run" --search off; else up $port "$OUT/m100k-run"; fi
		ready=$(( ($(date +%s%N) - start) / 1000000 ))
		caught=$(caught_up "$OUT/ticketd-$port.log" $start)
		sleep 2
		log "rss $mode ($BIN): /readyz after $ready ms, caught up after $caught ms; $(grep -E 'VmHWM|VmRSS|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | paste -sd' ')"
		# Settled: a forced GC (pprof's heap?gc=1), then 10 s for the runtime to return
		# the freed pages; the Go heap in use from /metrics.
		curl -s -o /dev/null "http://127.0.0.1:$port/debug/pprof/heap?gc=1"
		sleep 10
		heap=$(curl -s -H "Authorization: Bearer $TICKETS_ADMIN_TOKEN" http://127.0.0.1:$port/metrics | awk '/^go_memstats_heap_inuse_bytes/ {printf "%.1f", $2/1048576}')
		log "rss $mode settled: heap in use $heap MiB; $(grep -E 'VmHWM|VmRSS|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | paste -sd' ')"
		down
	done
	rm -rf "$OUT/m100k-run"
}

# The pages at $CLIENTS clients over 10,000 open tickets (prefilled: received, classified
# into team support, assigned), and what a browser transfers for each one's first load:
# the help center's ticket page, then the desk's team queue (GET /desk/team for a signed-in
# agent of team support), each on a fresh ticketd and store. No CPU profile: the prefill
# takes most of a run's first minute.
step_pages() {
	port=${PORT:-18183}
	for page in help_ticket desk_queue; do
		name=pages-$(echo $page | tr _ -)
		rm -rf "$OUT/pages"
		up $port "$OUT/pages"
		log "run $name: ticketbench --url http://127.0.0.1:$port --pid $PID --scenario pages --page $page --prefill 10000 -c $CLIENTS --duration $DURATION --lag none"
		"$BIN/ticketbench" --url http://127.0.0.1:$port --pid $PID --json --progress 0 --scenario pages --page $page \
			--prefill 10000 -c "$CLIENTS" --duration "$DURATION" --lag none >"$OUT/$name.json"
		jq -r '(.kinds[] | "  \(.kind): \(.per_s|floor)/s, p50 \(.p50_ms) ms, p90 \(.p90_ms) ms, p99 \(.p99_ms) ms, max \(.max_ms) ms"),
			"  errors \(.errors_by_status), ticketd \(.server.cpu_cores) cores, ticketbench \(.ticketbench_cpu_cores) cores, peak RSS \(.server.peak_rss_mib|floor) MiB",
			(.first_load[] | "  first load of \(.page): \(.files|length) files, \(.transferred_bytes) bytes transferred (bodies \(.body_bytes))")' \
			"$OUT/$name.json" | tee -a "$OUT/summary.txt"
		down
	done
}

steps=${*:-build limits embedded postgres lag startup}
for s in $steps; do
	log "step $s"
	step_$s
done
