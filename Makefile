# Haven: the README's commands. CMake does the building; this file installs what is
# missing, then drives it.
#
#   make run     build, create var/haven.db with demo data if absent, serve :8080
#   make test    build with ASan+UBSan, run unit, API and browser tests, the fuzz
#                smoke (clang tree build-fuzz/), the race test (build-tsan/), and the
#                store tests and a share of the API tests on a throwaway PostgreSQL
#   make fuzz    fuzz every parser for FUZZ_SECONDS each (docs/fuzzing.md)
#   make bench   build optimised, run the benchmarks
#   make build   optimised binary at build/haven
#   make lint    clang-format check and cppcheck
#   make pg-test the store tests and every API test again on a throwaway PostgreSQL (label pg)
#   make vendor  copy the npm libraries the web interface uses into web/vendor/
#   make screenshots  retake docs/screenshots/*.png (the README's) with the browser tests

# One package a line: what each is for is in DESIGN.md's dependency table.
APT_PACKAGES := build-essential cmake pkg-config \
	libsqlite3-dev sqlite3 \
	libmicrohttpd-dev \
	zlib1g-dev \
	libjansson-dev \
	libsodium-dev \
	libicu-dev \
	libcmocka-dev \
	libxlsxwriter-dev \
	libglpk-dev \
	libqrencode-dev \
	libpango1.0-dev libcairo2-dev fonts-noto-core \
	libespeak-ng-dev espeak-ng \
	libzip-dev libxml2-dev \
	libpq-dev \
	clang libclang-rt-14-dev \
	wrk \
	chromium \
	openssl \
	libcurl4-openssl-dev
# The PostgreSQL server and its client tools, for the tests that start a throwaway one
# (haven itself links libpq above; `haven backup` on PostgreSQL runs pg_dump).
PG_PACKAGES := postgresql postgresql-contrib
JOBS ?= $(shell nproc)
PG_PORT ?= 55439
DB ?= var/haven.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps pg-deps pg-test build build-test build-fuzz build-tsan run test unit-test api-test e2e-test \
	fuzz-test tsan-test fuzz bench lint clean npm-deps vendor screenshots

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

pg-deps:
	@missing=""; for p in $(PG_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

npm-deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# The web interface is served as plain files with no CDN: the libraries it uses are
# copied from node_modules into web/vendor/ (gitignored) here.
VENDOR_FILES := web/vendor/chart.umd.min.js web/vendor/leaflet/leaflet.js web/vendor/pmtiles.js \
	web/vendor/protomaps-leaflet.js web/vendor/boundaries.json web/vendor/zxing/zxing-reader.js

vendor: $(VENDOR_FILES)

web/vendor/chart.umd.min.js: node_modules/.package-lock.json
	@mkdir -p web/vendor
	cp node_modules/chart.js/dist/chart.umd.min.js $@
	cp node_modules/chart.js/LICENSE.md web/vendor/chart.js.LICENSE.md

# The outreach map: Leaflet (BSD-2-Clause), PMTiles readers (BSD-3-Clause), and the
# region's boundaries built from Natural Earth (public domain) by tools/boundaries.mjs.
web/vendor/leaflet/leaflet.js: node_modules/.package-lock.json
	@mkdir -p web/vendor/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css \
	  node_modules/leaflet/dist/images web/vendor/leaflet/
	cp node_modules/leaflet/LICENSE web/vendor/leaflet/LICENSE

web/vendor/pmtiles.js: node_modules/.package-lock.json
	@mkdir -p web/vendor
	cp node_modules/pmtiles/dist/pmtiles.js $@
	node -e 'console.log("pmtiles " + require("./node_modules/pmtiles/package.json").license)' > web/vendor/pmtiles.LICENSE

web/vendor/protomaps-leaflet.js: node_modules/.package-lock.json
	@mkdir -p web/vendor
	cp node_modules/protomaps-leaflet/dist/protomaps-leaflet.js $@
	cp node_modules/protomaps-leaflet/LICENSE web/vendor/protomaps-leaflet.LICENSE

# The QR reader of the card scanner (zxing-wasm, MIT): its script and its WebAssembly,
# which the page loads from here (the package's default would fetch it from a CDN).
web/vendor/zxing/zxing-reader.js: node_modules/.package-lock.json
	@mkdir -p web/vendor/zxing
	cp node_modules/zxing-wasm/dist/iife/reader/index.js $@
	cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm web/vendor/zxing/
	cp node_modules/zxing-wasm/LICENSE web/vendor/zxing/LICENSE

web/vendor/boundaries.json: node_modules/.package-lock.json tools/boundaries.mjs
	node tools/boundaries.mjs $@

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j $(JOBS)

# The API tests `make test` runs again on PostgreSQL (make pg-test runs them all): the
# error paths, registry and stays, documents, families, returns, interpreting, outreach,
# the phrasebook and codes, two servers on one database; the longest (permissions, returns' full walk) are left to
# pg-test so that make test keeps within its time.
PG_QUICK := errors;input_checks;identity_documents;interpreting;phrasebook;codes_languages;returns_ops;outreach;stays;families;multi_server

build-test: deps pg-deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON -DHAVEN_PG_TESTS=ON \
	  -DHAVEN_PG_PORT=$(PG_PORT) "-DHAVEN_PG_API_TESTS=$(PG_QUICK)" >/dev/null
	cmake --build build-test -j $(JOBS)

# The fuzzers: clang, libFuzzer, ASan+UBSan, -O1 with asserts kept. Separate from the
# gcc trees, which this does not touch.
build-fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DHAVEN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
	cmake --build build-fuzz -j $(JOBS)

# haven and the programs of tests/tsan/ under ThreadSanitizer (clang), for the race tests.
build-tsan: deps
	CC=clang cmake -S . -B build-tsan -DHAVEN_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" >/dev/null
	cmake --build build-tsan -j $(JOBS)

run: build npm-deps vendor
	@mkdir -p var
	@if [ ! -f $(DB) ]; then \
	  ./build/haven init --db $(DB) --demo --logins-file var/demo-logins.txt; \
	fi
	@echo "Demo logins (from var/demo-logins.txt):"; cat var/demo-logins.txt 2>/dev/null || true
	./build/haven serve --db $(DB) --listen $(LISTEN) --web web

test: build-test build-fuzz build-tsan npm-deps vendor
	cd build-test && ctest --output-on-failure -j $(JOBS)

unit-test: build-test
	cd build-test && ctest --output-on-failure -L unit -j $(JOBS)

api-test: build-test
	cd build-test && ctest --output-on-failure -L api -j $(JOBS)

e2e-test: build-test npm-deps vendor
	cd build-test && ctest --output-on-failure -L e2e

# test_store, test_registry, test_sync (the central server on PostgreSQL, the field
# laptops on SQLite) and the API tests on PostgreSQL: a server from
# Debian's packages in /tmp/haven-pg-$(PG_PORT) on 127.0.0.1:$(PG_PORT), stopped after.
pg-test: deps pg-deps npm-deps vendor
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DHAVEN_SANITIZE=ON -DHAVEN_PG_TESTS=ON \
	  -DHAVEN_PG_PORT=$(PG_PORT) -DHAVEN_PG_API_TESTS=all >/dev/null
	cmake --build build-test -j $(JOBS)
	cd build-test && ctest --output-on-failure -L pg -j $(JOBS)

fuzz-test: build-test build-fuzz
	cd build-test && ctest --output-on-failure -L fuzz -j $(JOBS)

tsan-test: build-test build-tsan npm-deps
	cd build-test && ctest --output-on-failure -L tsan

# Fuzzes each harness for FUZZ_SECONDS (default 60), one after another, keeping new
# coverage in FUZZ_CORPUS (default var/fuzz/, outside the tree). FUZZERS=person,dates
# picks some.
FUZZ_SECONDS ?= 60
fuzz: build-fuzz
	@for b in build-fuzz/fuzz_*; do \
	  n=$${b#build-fuzz/fuzz_}; \
	  if [ -n "$(FUZZERS)" ] && ! echo ",$(FUZZERS)," | grep -q ",$$n,"; then continue; fi; \
	  echo "== fuzz_$$n for $(FUZZ_SECONDS) s"; \
	  FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh fuzz $$b || exit 1; \
	done

screenshots: build-test npm-deps vendor
	HAVEN_BIN=build-test/haven HAVEN_WEB=web HAVEN_SCREENSHOTS=docs/screenshots \
	  node --test tests/e2e/pages.test.mjs tests/e2e/stats.test.mjs tests/e2e/protection.test.mjs \
	  tests/e2e/centres.test.mjs \
	  tests/e2e/outreach.test.mjs \
	  tests/e2e/phone.test.mjs \
	  tests/e2e/audit.test.mjs \
	  tests/e2e/interp_pages.test.mjs \
	  tests/e2e/identity_documents.test.mjs

bench: build
	./bench/run.sh

lint:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')
	cppcheck --quiet --error-exitcode=1 --inline-suppr --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem --include=/usr/include/jansson.h -I src src

clean:
	rm -rf build build-test build-fuzz build-tsan
