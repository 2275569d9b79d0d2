#!/usr/bin/env bash
# package_deb.sh SRC — the Debian packages as a user gets them (ctest label `package`).
#
# Builds SRC in a temporary directory the way scripts/package does (arena_build_debs: Release,
# for /usr, Debian's hardening flags, `cpack -G DEB`), then checks each of arena-server,
# arena-client and arena-tools:
#   - lintian reports no error (every tag is printed; warnings do not fail);
#   - dpkg-deb -c holds every file it must (programs, map, unit, config, menu entry, icon,
#     copyright, changelog) and a man page for every program in it;
#   - every file under /etc is a conffile; Depends came from dpkg-shlibdeps;
# and, unpacked: desktop-file-validate accepts the menu entry; `systemd-analyze verify` says
# nothing about the unit (in a root holding the package, systemd's own units and /bin/kill);
# the config file loads, its commented lines are arena-server's defaults and load too; the
# server looks for its map where the package puts it. Temporary files go on exit.
set -euo pipefail
src=$(realpath "$1")
for tool in cmake cpack dpkg-deb dpkg-shlibdeps dpkg-buildflags file gzip lintian \
    desktop-file-validate systemd-analyze python3; do
    command -v "$tool" >/dev/null || { echo "package_deb: needs $tool" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
problems=0
fail() {
    echo "package_deb: FAIL: $*" >&2
    problems=$((problems + 1))
}

echo "package_deb: building the packages (Release, cpack -G DEB) in a temporary directory"
if ! (cd "$src" && . scripts/lib.sh && arena_build_debs "$work/build") >"$work/build.log" 2>&1; then
    tail -n 60 "$work/build.log" >&2
    echo "package_deb: FAIL: the package build failed" >&2
    exit 1
fi
# Warnings in the build log (CMake's, the compiler's) are worth seeing, not failing on.
grep -E -i "warning" "$work/build.log" | head -n 20 >&2 || true

# What each package must hold (paths as dpkg-deb -c prints them).
declare -A want
want[arena-server]="./usr/games/arena-server ./usr/sbin/arena-ctl
./usr/share/games/localhost-arena/arena.map
./lib/systemd/system/arena-server.service ./etc/arena-server/arena-server.conf
./usr/share/man/man6/arena-server.6.gz ./usr/share/man/man8/arena-ctl.8.gz"
want[arena-client]="./usr/games/arena-client ./usr/games/arena-bot
./usr/share/applications/arena-client.desktop
./usr/share/icons/hicolor/scalable/apps/arena-client.svg
./usr/share/man/man6/arena-client.6.gz ./usr/share/man/man6/arena-bot.6.gz"
want[arena-tools]="./usr/bin/arena-netsim ./usr/share/man/man1/arena-netsim.1.gz"

root=$work/root
mkdir -p "$root"
for pkg in arena-server arena-client arena-tools; do
    debs=("$work/build/${pkg}"_*.deb)
    if [ ${#debs[@]} != 1 ] || [ ! -f "${debs[0]}" ]; then
        fail "$pkg: expected one ${pkg}_*.deb, found: $(ls "$work/build"/*.deb 2>/dev/null | xargs -n1 basename | tr '\n' ' ')"
        continue
    fi
    deb=${debs[0]}
    echo "package_deb: $(basename "$deb")"

    # Exit status 2: a tag at --fail-on's level (an error); 1: lintian itself failed.
    lint_rc=0
    lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian-$pkg.txt" 2>&1 ||
        lint_rc=$?
    grep -v "running with root privileges" "$work/lintian-$pkg.txt" | sed 's/^/  lintian: /' || true
    if [ $lint_rc = 2 ] || grep -q '^E:' "$work/lintian-$pkg.txt"; then
        fail "$pkg: lintian reports errors"
    elif [ $lint_rc != 0 ]; then
        fail "$pkg: lintian failed (exit status $lint_rc)"
    fi

    dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/contents-$pkg.txt"
    for f in ${want[$pkg]} ./usr/share/doc/$pkg/copyright ./usr/share/doc/$pkg/changelog.Debian.gz; do
        grep -qxF "$f" "$work/contents-$pkg.txt" || fail "$pkg: lacks $f"
    done
    # A man page for every program in the package, whatever the list above says.
    while read -r prog; do
        name=$(basename "$prog")
        grep -qE "^\./usr/share/man/man[1-8]/$name\.[1-8]\.gz$" "$work/contents-$pkg.txt" ||
            fail "$pkg: $prog has no man page"
    done < <(grep -E '^\./usr/(games|bin|sbin)/[^/]+$' "$work/contents-$pkg.txt")

    dpkg-deb --info "$deb" conffiles >"$work/conffiles-$pkg" 2>/dev/null || : >"$work/conffiles-$pkg"
    while read -r f; do
        grep -qxF "${f#.}" "$work/conffiles-$pkg" || fail "$pkg: ${f#.} is not a conffile"
    done < <(grep -E '^\./etc/.*[^/]$' "$work/contents-$pkg.txt")
    depends=$(dpkg-deb -f "$deb" Depends)
    case "$depends" in
    *libc6*) ;;
    *) fail "$pkg: Depends has no shared libraries (dpkg-shlibdeps did not run?): '$depends'" ;;
    esac

    dpkg-deb -x "$deb" "$root"
done

if [ -f "$root/usr/share/applications/arena-client.desktop" ]; then
    out=$(desktop-file-validate "$root/usr/share/applications/arena-client.desktop" 2>&1) &&
        rc=0 || rc=$?
    [ $rc = 0 ] && [ -z "$out" ] || fail "desktop-file-validate: $out"
fi

unit=/lib/systemd/system/arena-server.service
if [ -f "$root$unit" ]; then
    # What the unit refers to on an installed system: systemd's own units (its targets) and
    # /bin/kill (ExecReload); the package brings the rest (ExecStart, its man pages).
    vroot=$work/vroot
    cp -a "$root" "$vroot"
    mkdir -p "$vroot/usr/lib/systemd" "$vroot/bin"
    cp -r /usr/lib/systemd/system "$vroot/usr/lib/systemd/"
    cp /bin/kill "$vroot/bin/kill"
    # verify exits 0 on unknown keys and bad values: anything it prints is a failure.
    out=$(MANPATH=$vroot/usr/share/man systemd-analyze verify --root="$vroot" "$unit" 2>&1) &&
        rc=0 || rc=$?
    [ $rc = 0 ] && [ -z "$out" ] || fail "systemd-analyze verify: $out"
fi

server=$root/usr/games/arena-server
conf=$root/etc/arena-server/arena-server.conf
if [ -x "$server" ] && [ -f "$conf" ]; then
    # --config loads the file before --help prints: a bad key or value exits 2.
    "$server" --config "$conf" --help >"$work/help.txt" 2>"$work/help.err" ||
        fail "the packaged config does not load: $(cat "$work/help.err")"
    python3 - "$conf" "$work/help.txt" "$work/uncommented.conf" <<'PY' || fail "the packaged config"
import re, sys
conf, helptext, out = sys.argv[1:]
defaults = {}
for line in open(helptext):
    m = re.match(r"^  (\w+)\s+.*\(default: (.*)\)$", line)
    if m:
        defaults[m.group(1)] = m.group(2)
bad, lines = [], []
for line in open(conf):
    m = re.match(r"^#\s*(\w+) = (.*)$", line.rstrip("\n"))
    if m and m.group(1) in defaults:
        key, value = m.groups()
        if defaults[key] != "" and value != defaults[key]:
            bad.append(f"{key}: the file says {value!r}, arena-server --help {defaults[key]!r}")
        lines.append(f"{key} = {value}\n")
    else:
        lines.append(line)
if len(lines) == 0 or not any(l.startswith("data_dir = /var/lib/arena-server") for l in lines):
    bad.append("no data_dir = /var/lib/arena-server")
for b in bad:
    print("package_deb: config:", b, file=sys.stderr)
open(out, "w").writelines(lines)
sys.exit(1 if bad else 0)
PY
    "$server" --config "$work/uncommented.conf" --help >/dev/null 2>"$work/help.err" ||
        fail "the config with every commented line uncommented does not load: $(cat "$work/help.err")"
    # The map the config names is the one the package ships, and the server's own fallback
    # (ARENA_DATADIR, server/main.c) points at the same directory.
    map=$(sed -n 's/^map_path = //p' "$conf")
    [ -f "$root$map" ] || fail "map_path = $map is not in the package"
    grep -qaF "$(dirname "$map")" "$server" ||
        fail "arena-server was not built to look for its map in $(dirname "$map")"
fi

if [ $problems -ne 0 ]; then
    echo "package_deb: $problems problem(s)" >&2
    exit 1
fi
echo "package_deb: ok"
