#!/bin/sh
# victorialogs.sh builds and starts VictoriaLogs, the implementation of
# Grafana Loki's push API that the interop tests ship to.
#
#   ./victorialogs.sh build           build bin/victoria-logs (cached)
#   ./victorialogs.sh start [DATADIR] build if needed, then run it on
#                                     127.0.0.1:9428 (data in DATADIR,
#                                     default a new temporary directory)
#
# The server is built with "go install" at the version pinned below, from
# the Go module proxy, with the local Go toolchain (GOTOOLCHAIN=local: a
# version that needs a newer Go fails instead of downloading one). It is
# cached by version under $LOGGERJS_VICTORIALOGS_CACHE (default
# ~/.cache/loggerjs-victorialogs): a cold build takes 2.5 to 4 minutes on
# 2 cores, a cached one none. The tests in this directory look for the
# binary at bin/victoria-logs (or $LOGGERJS_VICTORIALOGS) and skip, saying
# so, when it is absent.
set -eu

VERSION=v1.52.1

here=$(cd "$(dirname "$0")" && pwd)
cache="${LOGGERJS_VICTORIALOGS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loggerjs-victorialogs}/$VERSION"
bin="$here/bin/victoria-logs"

build() {
	if [ ! -x "$cache/victoria-logs" ]; then
		mkdir -p "$cache/tmp"
		GOBIN="$cache/tmp" GOFLAGS=-mod=mod GOTOOLCHAIN=local \
			go install "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$VERSION"
		mv "$cache/tmp/victoria-logs" "$cache/victoria-logs"
		rmdir "$cache/tmp"
	fi
	mkdir -p "$here/bin"
	cp "$cache/victoria-logs" "$bin.tmp"
	mv "$bin.tmp" "$bin"
	echo "$bin"
}

case "${1:-build}" in
build)
	build
	;;
start)
	build >/dev/null
	data="${2:-$(mktemp -d)}"
	exec "$bin" -httpListenAddr=127.0.0.1:9428 -storageDataPath="$data" -retentionPeriod=100y
	;;
*)
	echo "usage: $0 build | start [DATADIR]" >&2
	exit 2
	;;
esac
