# scripts/lib.sh — helpers sourced by scripts/run, scripts/test, scripts/bench,
# scripts/package and tests/integration/package_deb.sh.
# Owns: installing missing Debian packages, configuring and building a tree. No game logic.

# Packages every build needs (compiler, CMake, pkg-config and the libraries we link).
ARENA_BUILD_PACKAGES=(gcc make cmake pkg-config libenet-dev libsdl2-dev libsdl2-ttf-dev
    libsqlite3-dev libsodium-dev libicu-dev libdeflate-dev libmicrohttpd-dev libsystemd-dev
    libcurl4-openssl-dev libjansson-dev libpq-dev fonts-dejavu-core)
# What `cpack -G DEB` needs besides a build (scripts/package): dpkg-shlibdeps (dpkg-dev) and
# file, which CPack uses to find the binaries whose libraries become Depends.
ARENA_PACKAGE_PACKAGES=(dpkg-dev file)
# Extra packages for scripts/test: cmocka, clang + libFuzzer runtime, clang-format, iproute2
# (network-namespace LAN tests), python3 (integration tests drive the TCP protocol with it),
# python3-yaml (deploy_files reads docs/deploy's manifests), prometheus (promtool checks the
# metrics endpoint's text and docs/deploy/prometheus); for the package tests
# (tests/integration/package_deb.sh, server_syscalls.sh): the packaging tools, lintian,
# desktop-file-validate, strace, systemd for systemd-analyze and man-db (its verify looks up the
# man pages a unit names); postgresql, whose server binaries tests/pg/with_postgres.sh runs (it
# never starts or touches the system's own cluster).
ARENA_TEST_PACKAGES=(libcmocka-dev clang libclang-rt-14-dev clang-format iproute2 python3
    python3-yaml prometheus "${ARENA_PACKAGE_PACKAGES[@]}" lintian desktop-file-utils strace
    systemd man-db postgresql)

arena_log() { printf '\033[1m[arena]\033[0m %s\n' "$*" >&2; }

# arena_ensure_packages PKG...: installs whichever of PKG are missing. As root it runs apt-get;
# with sudo it uses sudo; otherwise it prints the exact command and fails.
arena_ensure_packages() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            arena_log "missing Debian packages: ${missing[*]}"
            arena_log "install them as root, then run this again:"
            printf '    apt-get update && %s\n' "${cmd[*]}" >&2
            return 1
        fi
    fi
    arena_log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq || { arena_log "apt-get update failed"; return 1; }
    "${sudo[@]}" "${cmd[@]}" || { arena_log "apt-get install failed: ${cmd[*]}"; return 1; }
}

arena_jobs() { nproc 2>/dev/null || echo 2; }

# arena_build_debs BUILD_DIR: from the source tree (the current directory), a Release build
# for /usr with Debian's hardening flags (dpkg-buildflags, hardening=+all) in BUILD_DIR, then
# `cpack -G DEB` there: arena-server_*.deb, arena-client_*.deb and arena-tools_*.deb land in
# BUILD_DIR (cmake/Install.cmake says what each holds).
arena_build_debs() {
    local build
    build=$(realpath -m "$1")
    (
        eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
        # CMake reads CFLAGS and LDFLAGS from the environment, not CPPFLAGS (_FORTIFY_SOURCE).
        export CFLAGS="$CFLAGS $CPPFLAGS"
        cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
            -DARENA_TESTS=OFF -DARENA_BIN_DIR="$build/bin" >/dev/null
        cmake --build "$build" -j"$(arena_jobs)"
        rm -f "$build"/*.deb
        cd "$build" && cpack -G DEB
    )
}
