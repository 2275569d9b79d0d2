#!/usr/bin/env python3
"""check_options.py BIN_DIR [SRC_DIR] — compares each man page in docs/man/ with its program.

For every program it collects the option names three ways and reports any difference:
  help:   what `PROGRAM --help` prints (for arena-netsim, the --up-X/--down-X sentence too);
  source: the program's option table (getopt_long array or cli_options.h table), which
          also holds options --help leaves out;
  page:   the tags of the page's OPTIONS section (.TP/.TQ lines).
It also compares arena-server's settings (--help's list, config.c's table) with the keys
of the page's CONFIGURATION section, each key's default with --help's and its range with
the one the binary enforces (from its complaint about `--set KEY=x`, which exits at once), and arena-ctl's commands (--help, ctl_cmd.c) with
the page's COMMANDS section. Exit status 1 if a page lacks something the program has or
has something it does not, apart from the differences listed in EXPECTED below.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PROGRAMS = {
    # program: (page, option-table source file)
    "arena-server": ("arena-server.6", "server/main.c"),
    "arena-client": ("arena-client.6", "client/app/app_options.c"),
    "arena-bot": ("arena-bot.6", "client/bot/bot_options.c"),
    "arena-netsim": ("arena-netsim.1", "tests/netsim/ns_options.c"),
    "arena-ctl": ("arena-ctl.8", "server/arena_ctl.c"),
}

# Known, intended differences: (program, kind, name) -> why.
EXPECTED = {
    ("arena-bot", "not-in-help", "--behavior"): "an alias the option table hides from --help",
}

OPT_RE = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)")


def roff_plain(line):
    line = re.sub(r"\\f(\[[^]]*\]|.)", "", line)
    line = line.replace("\\-", "-").replace("\\&", "").replace('"', " ")
    return line


def sections(page):
    out, name = {}, None
    for line in open(page, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH "):
            name = line[4:].strip().strip('"')
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return out


def tags(lines):
    """The tag line after each .TP and every .TQ line's following line."""
    found, take = [], False
    for line in lines:
        if line.startswith((".TP", ".TQ")):
            take = True
            continue
        if take:
            found.append(line)
            take = False
    return found


def page_options(page):
    names = set()
    for tag in tags(sections(page).get("OPTIONS", [])):
        for m in OPT_RE.finditer(roff_plain(tag)):
            names.add(m.group(1).split("=")[0])
    return names


def help_text(bin_dir, prog):
    r = subprocess.run([os.path.join(bin_dir, prog), "--help"], capture_output=True, text=True)
    return r.stdout


def help_options(text, prog):
    names = set()
    for line in text.splitlines():
        if re.match(r"^\s+-", line):
            left = re.split(r"\s{2,}", line.strip())[0]
            for m in OPT_RE.finditer(left):
                names.add(m.group(1).split("=")[0])
    m = re.search(r"Each link option X \(([^)]*)\)\s+also comes as --up-X", text)
    if m:
        for knob in re.split(r",\s*", m.group(1)):
            names.add("--up-" + knob)
            names.add("--down-" + knob)
    return names


def source_options(src):
    text = open(src, encoding="utf-8").read()
    names = set()
    # getopt_long arrays: {"name", required_argument, NULL, 'c'}
    for m in re.finditer(r'\{"([\w-]+)",\s*(?:no|required|optional)_argument,\s*NULL,\s*'
                         r"(?:'(.)'|\w+)\}", text):
        names.add("--" + m.group(1))
        if m.group(2):
            names.add("-" + m.group(2))
    # cli_options.h tables: {"name", 'c' or 0, CLI_OPT_...
    for m in re.finditer(r'\{"([\w-]+)",\s*(?:\'(.)\'|0),\s*CLI_OPT_', text):
        names.add("--" + m.group(1))
        if m.group(2):
            names.add("-" + m.group(2))
    return names


def help_settings(text):
    keys, on = set(), False
    for line in text.splitlines():
        if line.startswith("Settings ("):
            on = True
            continue
        if on:
            m = re.match(r"^  ([a-z_]+)\s", line)
            if m:
                keys.add(m.group(1))
    return keys


def source_settings(src):
    text = open(src, encoding="utf-8").read()
    body = text[text.index("static const KeyDef keys[]"):]
    body = body[:body.index("};")]
    return set(re.findall(r"\b[UPBS]L?\((\w+),", body))  # L: live (reloaded on SIGHUP)


def page_settings(page):
    keys = set()
    for tag in tags(sections(page).get("CONFIGURATION", [])):
        m = re.match(r"^\.BI?\s+([a-z_]+)\b", tag)
        if m:
            keys.add(m.group(1))
    return keys


def help_defaults(text):
    out, on = {}, False
    for line in text.splitlines():
        if line.startswith("Settings ("):
            on = True
            continue
        m = re.match(r"^  ([a-z_]+)\s.*\(default: (.*)\)$", line) if on else None
        if m:
            out[m.group(1)] = m.group(2)
    return out


def numeric_settings(src):
    text = open(src, encoding="utf-8").read()
    body = text[text.index("static const KeyDef keys[]"):]
    return set(re.findall(r"\b[UP]L?\((\w+),", body[:body.index("};")]))


def binary_range(bin_dir, key):
    """lo..hi from arena-server's own complaint about a value that is not a number (it
    exits at once, status 2, before it opens anything). Only ever called for numeric keys:
    a text key would accept the value and start a server."""
    r = subprocess.run([os.path.join(bin_dir, "arena-server"), "--set", key + "=x",
                        "--data-dir", "/nonexistent/arena-check"],
                       capture_output=True, text=True, timeout=10)
    m = re.search(r"is not a whole number in (\d+)\.\.(\d+)", r.stderr)
    return (m.group(1), m.group(2)) if m else None


def page_setting_text(page):
    """key -> the plain text of its CONFIGURATION paragraph."""
    out, key = {}, None
    for line in sections(page).get("CONFIGURATION", []):
        if line.startswith((".TP", ".SS", ".PP")):
            key = None
            if line.startswith(".TP"):
                key = ""
            continue
        if key == "":
            m = re.match(r"^\.BI?\s+([a-z_]+)\b", line)
            key = m.group(1) if m else None
            if key:
                out[key] = ""
            continue
        if key:
            out[key] += " " + roff_plain(re.sub(r"^\.\w+\s*", "", line))
    return out


def check_values(bin_dir, text, page, numeric, problems):
    defaults, paras = help_defaults(text), page_setting_text(page)
    for key, want in sorted(defaults.items()):
        para = " ".join(paras.get(key, "").split()).replace("\\(en", "-")
        m = re.search(r"Default: ?(.*?)(?: \(|\.(?:\s|$)|$)", para)
        got = m.group(1).strip() if m else None
        if want == "":
            ok = "unset (the default)" in para
        else:
            ok = got is not None and got.rstrip(".") == want
        if not ok:
            problems.append(("arena-server", "default", key,
                             "page says %r, --help says %r" % (got, want)))
        rng = binary_range(bin_dir, key) if key in numeric else None
        if rng and ("%s\\(en%s" % rng) not in paras.get(key, ""):
            problems.append(("arena-server", "range", key,
                             "the binary accepts %s..%s; the page does not say so" % rng))


def help_commands(text):
    cmds, on = set(), False
    for line in text.splitlines():
        if line.startswith("Commands:"):
            on = True
            continue
        if on:
            if not line.strip():
                break
            cmds.add(line.split()[0])
    return cmds


def source_commands(src):
    text = open(src, encoding="utf-8").read()
    return set(re.findall(r'\{"(\w+)", CTL_\w+, [01], "', text))


def page_commands(page):
    cmds = set()
    for tag in tags(sections(page).get("COMMANDS", [])):
        m = re.match(r"^\.BI?\s+(\w+)", tag)
        if m:
            cmds.add(m.group(1))
    return cmds


def compare(prog, what, a_name, a, b_name, b, kind_a, kind_b, problems):
    for n in sorted(a - b):
        problems.append((prog, kind_a, n, "%s in %s, not in %s" % (what, a_name, b_name)))
    for n in sorted(b - a):
        problems.append((prog, kind_b, n, "%s in %s, not in %s" % (what, b_name, a_name)))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    bin_dir = sys.argv[1]
    src_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(HERE))
    problems = []
    for prog, (page_file, src_file) in PROGRAMS.items():
        page = os.path.join(HERE, page_file)
        text = help_text(bin_dir, prog)
        h, s, p = help_options(text, prog), source_options(os.path.join(src_dir, src_file)), \
            page_options(page)
        print("%-13s options: help %d, source %d, page %d" % (prog, len(h), len(s), len(p)))
        compare(prog, "option", "--help", h, "the page", p, "page-missing", "not-in-help",
                problems)
        compare(prog, "option", "the source table", s, "the page", p, "page-missing",
                "not-in-source", problems)
        if prog == "arena-server":
            hs, ss = help_settings(text), source_settings(os.path.join(src_dir,
                                                                       "server/config.c"))
            ps = page_settings(page)
            print("%-13s settings: help %d, config.c %d, page %d" % ("", len(hs), len(ss),
                                                                       len(ps)))
            compare(prog, "setting", "--help", hs, "the page", ps, "setting-missing",
                    "setting-not-in-code", problems)
            compare(prog, "setting", "config.c", ss, "the page", ps, "setting-missing",
                    "setting-not-in-code", problems)
            check_values(bin_dir, text, page,
                         numeric_settings(os.path.join(src_dir, "server/config.c")), problems)
        if prog == "arena-ctl":
            hc, sc = help_commands(text), source_commands(os.path.join(src_dir,
                                                                       "server/ctl_cmd.c"))
            pc = page_commands(page)
            print("%-13s commands: help %d, ctl_cmd.c %d, page %d" % ("", len(hc), len(sc),
                                                                       len(pc)))
            compare(prog, "command", "--help", hc, "the page", pc, "command-missing",
                    "command-extra", problems)
            compare(prog, "command", "ctl_cmd.c", sc, "the page", pc, "command-missing",
                    "command-extra", problems)
    bad = 0
    seen = set()
    for prog, kind, name, text in problems:
        if (prog, kind, name, text) in seen:
            continue
        seen.add((prog, kind, name, text))
        why = EXPECTED.get((prog, kind, name))
        if why:
            print("  expected: %s %s: %s (%s)" % (prog, name, text, why))
        else:
            print("  MISMATCH: %s %s: %s" % (prog, name, text))
            bad += 1
    print("%d mismatch(es)" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
