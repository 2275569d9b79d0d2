# scripts/lib.sh — helpers sourced by scripts/run, scripts/test and scripts/bench.
# Owns: installing missing Debian packages, configuring and building a tree. No game logic.

# Packages every build needs (compiler, CMake, pkg-config and the libraries we link).
ARENA_BUILD_PACKAGES=(gcc make cmake pkg-config libenet-dev libsdl2-dev libsdl2-ttf-dev
    libsqlite3-dev libsodium-dev libicu-dev zlib1g-dev libmicrohttpd-dev libsystemd-dev
    libcurl4-openssl-dev libjansson-dev fonts-dejavu-core)
# Extra packages for scripts/test: cmocka, clang + libFuzzer runtime, clang-format, iproute2
# (network-namespace LAN tests), python3 (integration tests drive the TCP protocol with it).
ARENA_TEST_PACKAGES=(libcmocka-dev clang libclang-rt-14-dev clang-format iproute2 python3
    prometheus)

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
