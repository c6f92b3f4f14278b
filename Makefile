# The two commands: `make run` and `make check`. Everything they need, they install.
SHELL := /bin/bash
JOBS ?= 2
DB ?= data/shuangjian.db
LISTEN ?= 127.0.0.1:8080

.PHONY: run check build deps server server-asan web test-unit test-api test-pg test-fuzz test-e2e test-valgrind clean

# `make run [LISTEN=HOST:PORT] [DB=PATH|postgresql://...]`: only what running needs, quietly
# (scripts/run.sh: build output in data/run.log); ends with the address and the demo logins.
run:
	@LISTEN="$(LISTEN)" DB="$(DB)" JOBS="$(JOBS)" ./scripts/run.sh

deps:
	@./scripts/deps.sh

build: server web

server:
	@cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build -j $(JOBS)

server-asan:
	@cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSJ_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

# ThreadSanitizer build of the server, for the API tests (scripts/check.sh builds it itself).
.PHONY: server-tsan
server-tsan:
	@cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSJ_TSAN=ON >/dev/null
	@cmake --build build-tsan -j $(JOBS) --target shuangjian

# The web app's npm packages come from its lock file, installed here when missing or stale,
# so that `make build` works on a fresh clone (the tests' packages wait for `make deps`).
web:
	@if [ -f web/package.json ]; then ./scripts/deps.sh npm web && cd web && npm run --silent build; fi

check: deps
	@./scripts/deps.sh ha
	@$(MAKE) --no-print-directory build server-asan
	@./scripts/check.sh

# The failover test and the restore drill alone (both are also steps of `make check`).
.PHONY: check-ha
check-ha: deps server
	@./scripts/deps.sh ha
	@SJ_BIN=build/shuangjian node --test tests/ha/ && ./scripts/restore-drill.sh

clean:
	rm -rf build build-asan build-tsan build-fuzz web/dist
