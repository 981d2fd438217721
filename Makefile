# Every module in the repository: the root and any nested go.mod (bridges,
# bench, test-only interop modules).
MODULES := $(shell find . -name go.mod -not -path './.git/*' -not -path '*/testdata/*' -exec dirname {} \; | sort)

.PHONY: test vet fmt-check staticcheck cross example bench

# test runs the allocation tests, which the race detector would distort,
# then every test of every module under the race detector.
test:
	go test -count=1 -run 'Allocs' . ./codecs/ ./internal/redact/ ./middleware/
	cd bridges/zapbridge && go test -count=1 -run 'Allocs' .
	@set -e; for m in $(MODULES); do \
		echo "== go test -race $$m"; \
		(cd $$m && go test -race -count=1 ./...); \
	done

vet:
	@set -e; for m in $(MODULES); do (cd $$m && go vet ./...); done

# staticcheck runs honnef.co/go/tools' staticcheck in every module; .ci/run
# installs the pinned version.
STATICCHECK ?= $(shell command -v staticcheck || echo $$(go env GOPATH)/bin/staticcheck)
staticcheck:
	@set -e; for m in $(MODULES); do echo "== staticcheck $$m"; (cd $$m && $(STATICCHECK) ./...); done

# cross builds every package of the root module for the platforms Go runs
# on besides linux/amd64, which test covers: building is the check.
CROSS := darwin/arm64 windows/amd64 freebsd/amd64 js/wasm wasip1/wasm
cross:
	@set -e; for p in $(CROSS); do \
		echo "== GOOS=$${p%/*} GOARCH=$${p#*/} go build ./..."; \
		GOOS=$${p%/*} GOARCH=$${p#*/} go build ./...; \
	done

fmt-check:
	@out=$$(gofmt -l . | grep -v '/testdata/' || true); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

example:
	go run ./examples/quickstart

bench:
	sh bench/bench.sh

# bench-instr counts, with valgrind's callgrind, the instructions every
# logger spends per record in every scenario, and every codec on S3's
# record (bench/cmd/instr); the tables also go to bench/out/instr.md.
# INSTR_FLAGS passes flags to it as written (a regexp's $ needs no
# doubling), e.g. INSTR_FLAGS='-filter S3/ -count 3'.
.PHONY: bench-instr
bench-instr:
	cd bench && go run ./cmd/instr -o out/instr.md $(value INSTR_FLAGS)
