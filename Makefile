# coffer: `make test` runs every test, installing and starting what they need.
.PHONY: test check fuzz bench build demo

build:
	go build -o bin/coffer ./cmd/coffer

demo:
	go run ./cmd/coffer demo

test:
	./scripts/test

# Static checks only (gofmt, go vet, staticcheck, govulncheck).
check:
	./scripts/test check

# Every fuzz target for FUZZTIME each (default 10s).
fuzz:
	./scripts/test fuzz

bench:
	./scripts/bench-seal
	./scripts/bench-putget
