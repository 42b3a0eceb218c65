# qmdesk — see README.md. `make run` and `make test` install what they
# need on Debian (as root, or through sudo) before they build.

GO        ?= go
BIN       := bin/qmdesk
# Debian packages Fyne's cgo build needs (GLFW over X11 and OpenGL).
DEB_BUILD := gcc pkg-config libgl1-mesa-dev xorg-dev
DEB_WIN   := gcc-mingw-w64-x86-64
# What make windows-check runs the .exe files with (not CI's, not the product's).
DEB_WINCHECK := wine wine64 xvfb imagemagick xdotool python3 fonts-thai-tlwg
# The Windows installer: NSIS, and osslsigncode to sign with SIGN_CERT.
DEB_INSTALLER := nsis osslsigncode
# Other programs the tests read our files with (LibreOffice re-saves,
# openpyxl in read-only mode, poppler's pdftotext and pdfinfo for the
# meeting pack), and the X server the built program's window opens on
# (Xvfb with Mesa's software GLX, and without GLX for the message a PC
# without OpenGL gets; xwininfo finds the window); the tests skip them
# where they are missing. And PostgreSQL's server, for the PostgreSQL
# store's tests (data/postgres/pgtest makes a throwaway cluster): make
# test sets QMDESK_PG_REQUIRED=1, so those fail rather than skip without it.
DEB_TEST  := libreoffice-calc-nogui python3-openpyxl poppler-utils xvfb libgl1-mesa-dri x11-utils postgresql
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
# Compiles windows/winres.json (icon, version information, manifest) into
# the object file go build links into the .exe.
WINRES    := github.com/tc-hib/go-winres@v0.3.3
# The program's version: FyneApp.toml's, the one place it is written (the
# binaries read the same file, embedded by the package at the root).
VERSION   := $(shell sed -n 's/^ *Version *= *"\([^"]*\)".*/\1/p' FyneApp.toml)
# Packages whose tests run headless without cgo: everything but cmd/.
HEADLESS  := . ./app/... ./data/... ./ui/... ./assets/...
FUZZTIME  ?= 10s
# Linters, installed from the Go module proxy into bin/tools.
TOOLS       := $(CURDIR)/bin/tools
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test bench bench-import fuzz kills screenshots windows windows-check installer package deps deps-windows clean

run: build
	./$(BIN)

build: deps
	$(GO) build -o $(BIN) ./cmd/qmdesk

test: deps
	@./.ci/apt-ensure $(DEB_TEST)
	gofmt -l . | tee /dev/stderr | (! read -r _)
	# Everything but cmd/ builds without cgo (vet type-checks it so).
	CGO_ENABLED=0 $(GO) vet $(HEADLESS)
	$(GO) vet ./cmd/...
	@[ -x $(TOOLS)/staticcheck ] || GOFLAGS= GOBIN=$(TOOLS) $(GO) install $(STATICCHECK)
	CGO_ENABLED=0 $(TOOLS)/staticcheck $(HEADLESS)
	$(TOOLS)/staticcheck ./cmd/...
	# The race detector needs cgo; the tests are the same.
	QMDESK_PG_REQUIRED=1 CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 30m $(HEADLESS)
	$(GO) build -o $(BIN) ./cmd/qmdesk
	# The built program as a clerk runs it: real clock, no overrides.
	QMDESK_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 ./cmd/...
	./.ci/vulncheck

# Benchmarks with the 1,000,000-problem targets; figures go to
# docs/performance.md, and BenchmarkStore's, both stores side by side, to
# docs/scale.md. Takes a while (it loads a million problems into each
# store, the PostgreSQL one in a throwaway server).
bench:
	@./.ci/apt-ensure postgresql
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./data/bolt/ ./app/
	QMDESK_PG_BENCH=1 QMDESK_PG_REQUIRED=1 CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./data/postgres/

# The whole import of a generated workbook (BENCH_ROWS rows, 100,000 by
# default) beside excelize's bare read, LibreOffice's headless read (where
# installed) and the byte-scan floor, alternating, BENCH_ROUNDS rounds;
# prints the medians and the ratios (docs/performance.md, issue 15).
BENCH_ROWS   ?= 100000
BENCH_ROUNDS ?= 3
bench-import:
	@./.ci/apt-ensure libreoffice-calc-nogui
	QMDESK_BENCH_ROWS=$(BENCH_ROWS) CGO_ENABLED=0 $(GO) test -run '^$$' -bench '^BenchmarkImportVsPeers$$' -benchtime $(BENCH_ROUNDS)x -timeout 120m ./app/

# Every screen of the window, in Thai and in English, at 1280×720 and
# 1920×1080 (training day, a 600-household demo), drawn by Fyne's software
# painter into docs/screenshots/screens; with ImageMagick, kept at 128
# colours (a third of the size, the text as sharp).
screenshots:
	rm -rf docs/screenshots/screens
	QMDESK_SCREENSHOTS=$(CURDIR)/docs/screenshots/screens CGO_ENABLED=0 $(GO) test -run '^TestScreenshots$$' -count=1 ./ui/
	@if command -v convert >/dev/null; then \
	  find docs/screenshots/screens -name '*.png' -exec convert {} -colors 128 PNG8:{} \; ; fi

# Every fuzz target, FUZZTIME each (go test -fuzz runs one target at a time).
fuzz:
	@set -e; for pkg in $(HEADLESS); do \
	  for t in $$(CGO_ENABLED=0 $(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; CGO_ENABLED=0 $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

# The kill matrix (data/bolt TestKillMatrix) with KILLS random kills for
# each write path instead of the default run's 3: about 1.3 s per kill of
# every path on the test machine (200: about 5 minutes).
KILLS ?= 200
kills:
	QMDESK_KILLS=$(KILLS) CGO_ENABLED=0 $(GO) test -count=1 -timeout 60m -run '^TestKillMatrix$$' -v ./data/bolt/

# qmdesk.exe for Windows: MinGW cross-compiler, GUI subsystem (no console
# window), symbols stripped.
# qmdesk.exe opens the window without a console; qmdesk-cli.exe is the
# same program built for the console, for cmd and PowerShell: its output
# comes before the prompt returns and its exit code is kept.
# Both carry the icon, the version information (VERSION) and the manifest
# of windows/winres.json, compiled by go-winres beside main.go. Built, as
# the package is, from a copy of the files git tracks; the root package's
# test then reads the resources back from both files.
WINBUILD := CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc $(GO) build -trimpath
windows: deps-windows
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$$tmp"; \
	  mkdir -p dist; out="$(CURDIR)/dist"; cd "$$tmp"; set -x; \
	  $(GO) run $(WINRES) make --in windows/winres.json --out cmd/qmdesk/rsrc --arch amd64 \
	    --file-version $(VERSION) --product-version $(VERSION); \
	  $(WINBUILD) -ldflags "-H windowsgui -s -w" -o "$$out/qmdesk.exe" ./cmd/qmdesk; \
	  $(WINBUILD) -ldflags "-s -w" -o "$$out/qmdesk-cli.exe" ./cmd/qmdesk
	QMDESK_EXE=dist/qmdesk.exe:dist/qmdesk-cli.exe CGO_ENABLED=0 $(GO) test -count=1 -run 'Windows|Version' .
	@# The software OpenGL fallback only when asked for this build.
	@if [ -n "$(MESA_DIR)" ]; then ./windows/mesa "$(MESA_DIR)" dist/mesa; else rm -rf dist/mesa; fi

# The software OpenGL fallback for PCs that cannot give OpenGL 2.1 (old
# graphics, basic display drivers, virtual machines, Remote Desktop): with
# MESA_DIR set to a folder holding Mesa's opengl32.dll for Windows x64 and
# the DLLs it needs (docs/windows.md says where to get them), make windows
# checks and copies them into dist/mesa, for the installer to put beside
# qmdesk.exe when IT chooses it.
MESA_DIR ?=

# The .exe files under Wine on Linux, as a clerk uses them: a command-line
# session compared with the Linux build, the window on Xvfb (a screenshot),
# the message on a display without OpenGL. Before every release; the result
# goes to docs/windows.md. Not part of make test (it takes a few minutes).
windows-check: build windows
	@./.ci/apt-ensure $(DEB_WINCHECK)
	./windows/check

# dist/qmdesk-setup-VERSION.exe: the NSIS installer (windows/qmdesk.nsi)
# of the two programs just built, for the clerk's own account, without
# administrator rights. SIGN_CERT=file.pfx (with SIGN_PASS, in the
# environment) signs the programs, the uninstaller and the installer with
# osslsigncode, timestamped by SIGN_TS (default DigiCert's; SIGN_TS= for
# none); without it nothing is signed (README, "Windows").
installer: windows
	@./.ci/apt-ensure $(DEB_INSTALLER)
	GO="$(GO)" WINRES=$(WINRES) ./windows/installer $(VERSION)

# A Linux package (tar.xz with icon and desktop file) from FyneApp.toml,
# built from the files git tracks (never what else lies in the folder).
# The fyne tool reads FyneApp.toml beside main.go and writes into the
# directory it packages, so it works on a copy (metadata moved beside
# main.go) and only the package comes back, into dist/.
package: deps
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$$tmp"; \
	  sed 's|"assets/|"../../assets/|' FyneApp.toml > "$$tmp/cmd/qmdesk/FyneApp.toml"; \
	  (cd "$$tmp" && $(GO) run $(FYNE_TOOL) package -os linux --src ./cmd/qmdesk --release); \
	  mkdir -p dist; find "$$tmp" -maxdepth 3 -name 'qmdesk*.tar.xz' -exec mv {} dist/ \; ; ls -l dist/
	@# What the package holds, checked: the program, its icon, and a desktop
	@# entry that opens workbooks; nothing else.
	@tar -tJf dist/qmdesk.tar.xz | grep -v '/$$' | sort > dist/contents.txt; cat dist/contents.txt
	@printf '%s\n' qmdesk/Makefile qmdesk/usr/local/bin/qmdesk qmdesk/usr/local/share/applications/th.go.dopa.qmdesk.desktop \
	  qmdesk/usr/local/share/pixmaps/th.go.dopa.qmdesk.png | diff - dist/contents.txt
	@tar -xJOf dist/qmdesk.tar.xz qmdesk/usr/local/share/applications/th.go.dopa.qmdesk.desktop > dist/desktop.txt
	@grep -qx 'Exec=qmdesk %F' dist/desktop.txt && grep -q '^MimeType=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;' dist/desktop.txt \
	  || { echo "the desktop entry does not open workbooks:"; cat dist/desktop.txt; exit 1; }

deps:
	@command -v $(GO) >/dev/null || { echo "Go is not installed: install Go 1.24 or newer from go.dev/dl first" >&2; exit 1; }
	@./.ci/apt-ensure $(DEB_BUILD)

deps-windows: deps
	@./.ci/apt-ensure $(DEB_WIN)

clean:
	rm -rf bin dist
