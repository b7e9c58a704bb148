# Thin front door to Meson. Every target installs missing Debian packages first.
#   make run     set up, build, build the demo register and show it
#   make check   set up, build (plain and ASan+UBSan), run every test, print "N passed, N failed"
#   make fuzz    build the libFuzzer targets with clang and run each for FUZZ_SECONDS
#   make bench   run the benchmarks of bench/ (see bench/RESULTS.md)
BUILD   ?= build
ASAN    ?= build-asan
FUZZDIR ?= build-fuzz
FUZZ_SECONDS ?= 30
MESON_FLAGS ?= --buildtype=debugoptimized -Dwerror=true

.PHONY: all deps build run check test fuzz bench format clean
all: build

deps:
	@scripts/install-deps.sh build test

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

$(ASAN)/build.ninja:
	meson setup $(ASAN) --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

run: build
	@scripts/run-demo.sh $(BUILD)/src/cli/bulwark $(BUILD)/demo.db

check: deps $(BUILD)/build.ninja $(ASAN)/build.ninja
	@scripts/checksrc.sh
	meson compile -C $(BUILD)
	meson compile -C $(ASAN)
	-meson test -C $(BUILD) --print-errorlogs --num-processes 2
	-UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
	    meson test -C $(ASAN) --suite unit --suite cli --print-errorlogs --num-processes 2
	@python3 scripts/test-summary.py $(BUILD) $(ASAN)

fuzz: deps
	@scripts/fuzz.sh $(FUZZDIR) $(FUZZ_SECONDS)

bench: build
	@scripts/install-deps.sh build bench
	@bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZDIR)
