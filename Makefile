# Haven: the README's commands. CMake does the building; this file installs what is
# missing, then drives it.
#
#   make run     build, create var/haven.db with demo data if absent, serve :8080
#   make test    build with ASan+UBSan, run unit, API and browser tests
#   make bench   build optimised, run the benchmarks
#   make build   optimised binary at build/haven
#   make lint    clang-format check and cppcheck

APT_PACKAGES := build-essential cmake pkg-config libsqlite3-dev libmicrohttpd-dev \
	libjansson-dev libsodium-dev libicu-dev libcmocka-dev libxlsxwriter-dev \
	chromium sqlite3 postgresql postgresql-contrib
JOBS ?= $(shell nproc)
DB ?= var/haven.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build build-test run test unit-test api-test e2e-test bench lint clean npm-deps

all: build

# Installs only the Debian packages that are missing (needs root or sudo).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

npm-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

build-test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON >/dev/null
	cmake --build build-test -j $(JOBS)

run: build npm-deps
	@mkdir -p var
	@if [ ! -f $(DB) ]; then \
	  ./build/haven init --db $(DB) --demo --logins-file var/demo-logins.txt; \
	fi
	@echo "Demo logins (from var/demo-logins.txt):"; cat var/demo-logins.txt 2>/dev/null || true
	./build/haven serve --db $(DB) --listen $(LISTEN) --web web

test: build-test npm-deps
	cd build-test && ctest --output-on-failure -j $(JOBS)

unit-test: build-test
	cd build-test && ctest --output-on-failure -L unit -j $(JOBS)

api-test: build-test
	cd build-test && ctest --output-on-failure -L api -j $(JOBS)

e2e-test: build-test npm-deps
	cd build-test && ctest --output-on-failure -L e2e

bench: build
	./bench/run.sh

lint:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem -I src src

clean:
	rm -rf build build-test
