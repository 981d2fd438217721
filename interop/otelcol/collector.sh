#!/bin/sh
# collector.sh builds and starts the OpenTelemetry Collector that the
# interop tests ship to.
#
#   ./collector.sh build          build bin/otelcol-loggerjs (cached)
#   ./collector.sh start CONFIG   build if needed, then run it with CONFIG
#
# The build uses the Collector Builder at the version pinned below and the
# components pinned in builder-config.yaml, all from the Go module proxy.
# It is cached by a hash of the builder config and of this script under
# $LOGGERJS_OTELCOL_CACHE (default ~/.cache/loggerjs-otelcol), outside
# the repository so that the generated sources are not a module that
# "go test ./..." or make test would find: a cold build takes 3 to 6
# minutes on 2 cores, a cached one none.
# The tests in this directory look for the binary at bin/otelcol-loggerjs
# (or $LOGGERJS_OTELCOL) and skip, saying so, when it is absent.
set -eu

BUILDER_VERSION=v0.161.0

here=$(cd "$(dirname "$0")" && pwd)
config=""
if [ "${1:-}" = start ] && [ $# -ge 2 ]; then
	config=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
fi
cd "$here"
key=$(cat builder-config.yaml collector.sh | sha256sum | cut -c1-16)
cache="${LOGGERJS_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loggerjs-otelcol}/$key"
bin="$here/bin/otelcol-loggerjs"

build() {
	if [ ! -x "$cache/otelcol-loggerjs" ]; then
		mkdir -p "$cache/tools"
		GOBIN="$cache/tools" GOFLAGS=-mod=mod go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION"
		rm -rf "$cache/src"
		sed "s#^  output_path: .*#  output_path: $cache/src#" builder-config.yaml >"$cache/builder-config.yaml"
		"$cache/tools/builder" --config "$cache/builder-config.yaml"
		cp "$cache/src/otelcol-loggerjs" "$cache/otelcol-loggerjs.tmp"
		mv "$cache/otelcol-loggerjs.tmp" "$cache/otelcol-loggerjs"
	fi
	mkdir -p "$here/bin"
	cp "$cache/otelcol-loggerjs" "$bin.tmp"
	mv "$bin.tmp" "$bin"
	echo "$bin"
}

case "${1:-build}" in
build)
	build
	;;
start)
	[ $# -ge 2 ] || { echo "usage: $0 start CONFIG" >&2; exit 2; }
	build >/dev/null
	exec "$bin" --config "$config"
	;;
*)
	echo "usage: $0 build | start CONFIG" >&2
	exit 2
	;;
esac
