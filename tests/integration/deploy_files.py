#!/usr/bin/env python3
"""deploy_files.py ARENA_SERVER MAP — keeps docs/deploy/ honest against the real server.

Prometheus (docs/deploy/prometheus/): `promtool check config` of prometheus.yml and of its
commented Kubernetes variant (Debian's promtool has no Kubernetes discovery, so the variant is
checked with a static target in its place: its relabelling, not the discovery); `promtool check
rules` and `promtool test rules` of the alerts. Every metric an alert or a test series names,
and every label value it matches exactly (or as an alternation of words), must be in a real
arena-server's /metrics (`up` is Prometheus' own).

Agones (docs/deploy/*.yaml, parsed with python3-yaml): the kinds and apiVersions; the Fleet's
port named default is TCPUDP on the container port the args give the server (--port, or
game_port and login_port, or their default from --help); its players counter's capacity is the
max_players the args give; every --set key and every option is one `arena-server --help` lists;
Health (agones_health_s) comes more often than health.periodSeconds; discovery is off; the
metrics port is declared, named as the Kubernetes variant keeps it, annotated, and bound beyond
loopback. The autoscaler names the fleet, with bufferSize <= minReplicas <= maxReplicas. The
allocation selects the fleet's Ready servers by labels the server really sets: the server is
started with the Fleet's own args (then free loopback ports and a temporary data directory over
them) under tests/agones/sdk_standin.py (a stand-in, not Agones) until it is Ready; the labels
it set, and the players counter's capacity, are compared, and /metrics is scraped once.
SIGTERM must stop it with exit code 0.

Containerfile: Debian 12's base, EXPOSE of the game port (UDP and TCP) and the metrics port,
an entry point of the packaged program and config file, a non-root USER, the image in the Fleet
= [REGISTRY/]arena-server:VERSION. The alerts' job="..." is a job prometheus.yml scrapes.

README.md's "What to watch" panels: each PromQL returns data (promtool) over series shaped like
the scraped ones.

Each failure is printed; the exit code is 1 if there was any."""
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
from ports import free_port  # noqa: E402
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEPLOY = os.path.join(ROOT, "docs", "deploy")
PROM = os.path.join(DEPLOY, "prometheus")
STANDIN = os.path.join(ROOT, "tests", "agones", "sdk_standin.py")
K8S_BEGIN = "# ---- Kubernetes variant (begin) ----"
K8S_END = "# ---- Kubernetes variant (end) ----"
# Labels Prometheus adds to every series of a target; a rule may match them freely.
TARGET_LABELS = {"job", "instance"}
PROMETHEUS_OWN = {"up"}

failures = []


def fail(msg):
    failures.append(msg)
    print("deploy_files: FAIL: " + msg, file=sys.stderr)


def die(msg, log=None):
    fail(msg)
    if log and os.path.exists(log):
        print("---- server log ----\n" + open(log).read()[-3000:], file=sys.stderr)
    sys.exit(1)




def run(cmd, cwd=None):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def load_yaml(name):
    with open(os.path.join(DEPLOY, name)) as f:
        return yaml.safe_load(f)


# ---- PromQL: the metric names and label matchers an expression uses ----

MODIFIERS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = {"and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"} | MODIFIERS


def promql_tokens(expr):
    """(kind, text) tokens: str, braces, range, ident, number, punct."""
    i, n, out = 0, len(expr), []
    while i < n:
        c = expr[i]
        if c.isspace():
            i += 1
        elif c in "\"'`":
            j = i + 1
            while j < n and expr[j] != c:
                j += 2 if expr[j] == "\\" else 1
            out.append(("str", expr[i:j + 1]))
            i = j + 1
        elif c in "{[":
            close = "}" if c == "{" else "]"
            j = i + 1
            while j < n and expr[j] != close:
                if expr[j] in "\"'":
                    q = expr[j]
                    j += 1
                    while j < n and expr[j] != q:
                        j += 2 if expr[j] == "\\" else 1
                j += 1
            out.append(("braces" if c == "{" else "range", expr[i:j + 1]))
            i = j + 1
        elif c.isdigit() or (c == "." and i + 1 < n and expr[i + 1].isdigit()):
            m = re.match(r"(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)[smhdwy]*", expr[i:])
            out.append(("number", m.group(0)))
            i += len(m.group(0))
        elif c.isalpha() or c in "_:":
            m = re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", expr[i:])
            out.append(("ident", m.group(0)))
            i += len(m.group(0))
        else:
            out.append(("punct", c))
            i += 1
    return out


def matchers(braces):
    return re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"', braces)


def selectors(expr):
    """[(metric name, [(label, op, value)])] of every vector selector in expr."""
    toks = promql_tokens(expr)
    out, i = [], 0
    while i < len(toks):
        kind, text = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "")
        if kind == "ident" and nxt == ("punct", "("):
            if text in MODIFIERS:  # a list of label names, not an expression
                j = i + 2
                while j < len(toks) and toks[j] != ("punct", ")"):
                    j += 1
                i = j + 1
                continue
            i += 1  # a function or an aggregation: its arguments follow
            continue
        if kind == "ident" and nxt[0] == "ident" and nxt[1] in ("by", "without"):
            i += 1  # an aggregation with its grouping first: sum without (kind) (...)
            continue
        if kind == "ident" and text not in KEYWORDS:
            out.append((text, matchers(nxt[1]) if nxt[0] == "braces" else []))
        elif kind == "braces":
            prev = toks[i - 1] if i > 0 else ("", "")
            if prev[0] != "ident":
                fail("a selector without a metric name: %s" % text)
        i += 1
    return out


# ---- the server ----

def parse_help(server):
    """({setting: default}, {option: takes_value}) from `arena-server --help`."""
    rc, text = run([server, "--help"])
    if rc != 0:
        die("arena-server --help exited %d" % rc)
    settings, options = {}, {}
    part = text.split("Settings (for --config files and --set):", 1)
    for line in part[0].splitlines():
        m = re.match(r"^\s+(?:(-\w), )?(--[a-z-]+)(?: ([A-Z][A-Z=]*))?\s", line)
        if m:
            for o in (m.group(1), m.group(2)):
                if o:
                    options[o] = m.group(3) is not None
    for line in part[1].splitlines() if len(part) > 1 else []:
        m = re.match(r"^  ([a-z_]+) .*\(default: ([^)]*)\)", line)
        if m:
            settings[m.group(1)] = m.group(2)
    if not settings or not options:
        die("cannot read the settings and options in --help:\n" + text)
    return settings, options


# What the short and long options of the server set (server/main.c apply_option).
OPTION_SETS = {"--port": ("game_port", "login_port"), "-p": ("game_port", "login_port"),
               "--max-players": ("max_players",), "--data-dir": ("data_dir",),
               "-d": ("data_dir",), "--map": ("map_path",), "-m": ("map_path",),
               "--name": ("name",), "-n": ("name",)}


def effective_settings(args, settings, options):
    """The settings the args give (over --help's defaults); fails on unknown keys and options."""
    eff = dict(settings)
    i = 0
    while i < len(args):
        a = str(args[i])
        opt, val = (a.split("=", 1) + [None])[:2] if a.startswith("--") else (a, None)
        if opt not in options:
            fail("the Fleet's args: %r is not an option `arena-server --help` lists" % a)
            i += 1
            continue
        if options[opt] and val is None:
            if i + 1 >= len(args):
                fail("the Fleet's args: %s without its value" % opt)
                break
            i += 1
            val = str(args[i])
        if opt in ("--set", "-s"):
            key, _, value = val.partition("=")
            if key not in settings:
                fail("the Fleet's args: --set %s: %r is not a setting `arena-server --help` "
                     "lists" % (val, key))
            eff[key] = value
        elif opt in ("--config", "-c"):
            fail("the Fleet's args name a config file (%s): the image has its own" % val)
        for key in OPTION_SETS.get(opt, ()):
            eff[key] = val
        i += 1
    return eff


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as r:
        text = r.read().decode()
    series = {}  # name -> [(labels dict, value)]
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
        if m:
            labels = {k: v for k, _, v in matchers(m.group(2) or "")}
            series.setdefault(m.group(1), []).append((labels, m.group(3)))
    return series


def check_selector(where, name, ms, series):
    if name in PROMETHEUS_OWN:
        return
    if name not in series:
        fail("%s: metric %s is not in the server's /metrics" % (where, name))
        return
    for label, op, value in ms:
        if label in TARGET_LABELS or op in ("!=", "!~"):
            continue
        have = {labels.get(label) for labels, _ in series[name]} - {None}
        if op == "=":
            wanted = [value]
        elif re.fullmatch(r"[A-Za-z0-9_.+]+(\|[A-Za-z0-9_.+]+)*", value):
            wanted = value.split("|")  # an alternation of words: each must exist
        else:
            if not any(re.fullmatch(value, h) for h in have):
                fail("%s: %s{%s=~\"%s\"} matches none of %s" % (where, name, label, value,
                                                                  sorted(have)))
            continue
        for w in wanted:
            if w not in have:
                fail("%s: %s has no series with %s=\"%s\" (it has %s)" % (where, name, label, w,
                                                                         sorted(have)))


def readme_panels():
    """The PromQL of docs/deploy/README.md's "What to watch" table (the backticked code of each
    row's second cell)."""
    text = open(os.path.join(DEPLOY, "README.md")).read()
    if "| panel | PromQL |" not in text:
        fail("README.md: no \"| panel | PromQL |\" table")
        return []
    table = text.split("| panel | PromQL |", 1)[1].split("\n\n", 1)[0]
    exprs = []
    for row in table.splitlines()[2:]:
        cells = row.split(" | ")
        exprs += re.findall(r"`([^`]+)`", cells[1]) if len(cells) > 1 else []
    return exprs


def check_panels(exprs, series):
    """Each panel's PromQL must return data over series shaped like the scraped ones (their
    names and labels, a job and an instance, every value counting up once a minute): a name
    the server does not have, or labels that keep two sides of an operator from matching, give
    an empty answer. promtool evaluates it: absent(EXPR) must be empty."""
    inputs = []
    for name, samples in sorted(series.items()):
        for labels, _ in samples:
            ls = dict(labels, job="arena", instance="arena-1:9100")
            text = ",".join('%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"'))
                            for k, v in sorted(ls.items()))
            inputs.append({"series": "%s{%s}" % (name, text), "values": "1+1x30"})
    cases = [{"expr": "absent(%s)" % e, "eval_time": "20m", "exp_samples": []} for e in exprs]
    for e in exprs:
        for name, _ in selectors(e):
            if name not in series:
                fail("README.md panel %s: metric %s is not in the server's /metrics" % (e, name))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "panels.test.yml")
        with open(path, "w") as f:
            yaml.safe_dump({"evaluation_interval": "1m", "tests": [
                {"interval": "1m", "input_series": inputs, "promql_expr_test": cases}]}, f)
        rc, out = run(["promtool", "test", "rules", path])
        if rc != 0:
            fail("README.md: panels that return no data over the server's series (absent() is "
                 "not empty):\n%s" % "\n".join(l for l in out.splitlines() if "expr:" in l))


def start_standin(port, counters, node_port):
    cmd = [sys.executable, STANDIN, "--port", str(port), "--game-port", str(node_port)]
    for c in counters:
        cmd += ["--counter", c]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not p.stdout.readline().startswith(b"sdk-standin on"):
        p.kill()
        die("the SDK stand-in did not start")
    return p


def standin_log(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_standin/log" % port, timeout=5) as r:
        return json.loads(r.read())


# ---- the checks ----

def check_prometheus(fleet_metrics_port_name):
    """The job names of prometheus.yml and of its Kubernetes variant."""
    with open(os.path.join(PROM, "prometheus.yml")) as f:
        jobs_static = {j["job_name"] for j in yaml.safe_load(f).get("scrape_configs", [])}
    for cmd in (["promtool", "check", "config", "prometheus.yml"],
                ["promtool", "check", "rules", "arena-alerts.yml"],
                ["promtool", "test", "rules", "arena-alerts.test.yml"]):
        rc, out = run(cmd, cwd=PROM)
        if rc != 0:
            fail("%s: rc %d:\n%s" % (" ".join(cmd), rc, out))
    # The commented Kubernetes variant, uncommented in place of the static job.
    text = open(os.path.join(PROM, "prometheus.yml")).read()
    if K8S_BEGIN not in text or K8S_END not in text:
        fail("prometheus.yml: no Kubernetes variant between its markers")
        return jobs_static
    block = text.split(K8S_BEGIN, 1)[1].split(K8S_END, 1)[0]
    lines = [l[1:] for l in block.splitlines() if re.match(r"^# {2}", l)]
    jobs = yaml.safe_load("\n".join(lines))
    if not isinstance(jobs, list) or len(jobs) != 1 or "kubernetes_sd_configs" not in jobs[0]:
        fail("prometheus.yml: the Kubernetes variant is not one job with kubernetes_sd_configs")
        return jobs_static
    job = jobs[0]
    jobs = jobs_static | {job["job_name"]}
    if [sd.get("role") for sd in job["kubernetes_sd_configs"]] != ["pod"]:
        fail("prometheus.yml: the Kubernetes variant should discover pods")
    del job["kubernetes_sd_configs"]
    job["static_configs"] = [{"targets": ["stand-in:1"]}]
    keeps = [r for r in job.get("relabel_configs", []) if r.get("action") == "keep" and
             r.get("source_labels") == ["__meta_kubernetes_pod_container_port_name"]]
    if [r.get("regex") for r in keeps] != [fleet_metrics_port_name]:
        fail("prometheus.yml: the Kubernetes variant keeps container ports %s, the Fleet names "
             "its metrics port %r" % ([r.get("regex") for r in keeps], fleet_metrics_port_name))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "kubernetes.yml")
        with open(path, "w") as f:
            yaml.safe_dump({"global": {"scrape_interval": "15s"}, "scrape_configs": [job]}, f)
        rc, out = run(["promtool", "check", "config", path])
        if rc != 0:
            fail("promtool check config of the Kubernetes variant: rc %d:\n%s" % (rc, out))
    return jobs


def alert_selectors():
    """[(where, name, matchers)] of the alerting rules and of the tests' input series."""
    out = []
    with open(os.path.join(PROM, "arena-alerts.yml")) as f:
        rules = yaml.safe_load(f)
    for g in rules["groups"]:
        for r in g["rules"]:
            where = "rule %s" % (r.get("alert") or r.get("record"))
            for name, ms in selectors(r["expr"]):
                out.append((where, name, ms))
    with open(os.path.join(PROM, "arena-alerts.test.yml")) as f:
        tests = yaml.safe_load(f)
    for t in tests["tests"]:
        for s in t.get("input_series", []):
            m = re.match(r"^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?$", s["series"])
            out.append(("test series %s" % s["series"], m.group(1), matchers(m.group(2) or "")))
    if len({n for _, n, _ in out}) < 10:
        fail("only %d metric names found in the rules: the PromQL reader is broken" %
             len({n for _, n, _ in out}))
    return out


def container_of(fleet):
    gs = fleet["spec"]["template"]["spec"]
    containers = gs["template"]["spec"]["containers"]
    name = gs.get("container")
    pick = [c for c in containers if name is None or c["name"] == name]
    if len(pick) != 1:
        die("fleet.yaml: cannot tell which container is the game server")
    return gs, pick[0]


def check_agones(eff, fleet, gs, c, version):
    fas = load_yaml("fleetautoscaler.yaml")
    gsa = load_yaml("gameserverallocation.yaml")
    for name, doc, api, kind in (("fleet.yaml", fleet, "agones.dev/v1", "Fleet"),
                                 ("fleetautoscaler.yaml", fas, "autoscaling.agones.dev/v1",
                                  "FleetAutoscaler"),
                                 ("gameserverallocation.yaml", gsa, "allocation.agones.dev/v1",
                                  "GameServerAllocation")):
        if (doc.get("apiVersion"), doc.get("kind")) != (api, kind):
            fail("%s: %s %s, not %s %s" % (name, doc.get("apiVersion"), doc.get("kind"), api,
                                           kind))
    fleet_name = fleet["metadata"]["name"]
    # The game's one port number, for UDP and TCP.
    if eff["game_port"] != eff["login_port"]:
        fail("the Fleet's args give game_port %s and login_port %s: Agones' TCPUDP port maps "
             "one number" % (eff["game_port"], eff["login_port"]))
    default = [p for p in gs.get("ports", []) if p.get("name") == "default"]
    if len(default) != 1:
        fail("fleet.yaml: %d ports named default, not 1" % len(default))
    else:
        p = default[0]
        if p.get("protocol") != "TCPUDP":
            fail("fleet.yaml: port default is %s, not TCPUDP (game on UDP, login on TCP)" %
                 p.get("protocol"))
        if str(p.get("containerPort")) != eff["game_port"]:
            fail("fleet.yaml: port default has containerPort %s, the server listens on %s" %
                 (p.get("containerPort"), eff["game_port"]))
        if p.get("portPolicy", "Dynamic") not in ("Dynamic", "Static"):
            fail("fleet.yaml: portPolicy %s would move the container's port" % p.get("portPolicy"))
    cap = gs.get("counters", {}).get("players", {}).get("capacity")
    if str(cap) != eff["max_players"]:
        fail("fleet.yaml: counters.players.capacity %s, max_players %s" % (cap,
                                                                            eff["max_players"]))
    period = gs.get("health", {}).get("periodSeconds", 5)
    if not int(eff["agones_health_s"]) < int(period):
        fail("fleet.yaml: Health every %s s (agones_health_s) is not within health.periodSeconds"
             " %s" % (eff["agones_health_s"], period))
    if eff["discovery_port"] != "0":
        fail("fleet.yaml: LAN discovery is on (discovery_port %s) in a fleet" %
             eff["discovery_port"])
    if eff["agones_shutdown_after_match"] != "true":
        fail("fleet.yaml: agones_shutdown_after_match is not true: allocated arenas never end")
    # Metrics: declared, named, annotated, reachable from outside the pod.
    mport = eff["metrics_port"]
    if mport == "0":
        fail("fleet.yaml: the metrics endpoint is off")
    mports = [p for p in c.get("ports", []) if str(p.get("containerPort")) == mport]
    if len(mports) != 1:
        fail("fleet.yaml: the container does not declare the metrics port %s" % mport)
    if eff["metrics_bind"] == "127.0.0.1":
        fail("fleet.yaml: metrics_bind 127.0.0.1: Prometheus cannot reach it from another pod")
    ann = gs["template"].get("metadata", {}).get("annotations", {})
    if "prometheus.io/port" in ann and ann["prometheus.io/port"] != mport:
        fail("fleet.yaml: prometheus.io/port %s, metrics_port %s" % (ann["prometheus.io/port"],
                                                                    mport))
    # Any registry may come first; the name and the tag are the image the Containerfile makes.
    if not re.fullmatch(r"([^ ]+/)?arena-server:" + re.escape(version), str(c.get("image"))):
        fail("fleet.yaml: image %s, not [REGISTRY/]arena-server:%s (the package's version)" %
             (c.get("image"), version))
    # The autoscaler.
    spec = fas.get("spec", {})
    if spec.get("fleetName") != fleet_name:
        fail("fleetautoscaler.yaml: fleetName %s, the Fleet is %s" % (spec.get("fleetName"),
                                                                     fleet_name))
    buf = spec.get("policy", {}).get("buffer", {})
    if spec.get("policy", {}).get("type") != "Buffer" or \
            not 0 < int(buf.get("bufferSize", 0)) <= int(buf.get("minReplicas", 0)) <= \
            int(buf.get("maxReplicas", 0)):
        fail("fleetautoscaler.yaml: not a Buffer policy with 0 < bufferSize <= minReplicas <= "
             "maxReplicas: %s" % buf)
    # The allocation: the fleet's Ready servers.
    sels = gsa.get("spec", {}).get("selectors", [])
    if not sels:
        fail("gameserverallocation.yaml: no selectors")
    for s in sels:
        if s.get("matchLabels", {}).get("agones.dev/fleet") != fleet_name:
            fail("gameserverallocation.yaml: a selector not of the fleet %s" % fleet_name)
        if s.get("gameServerState", "Ready") != "Ready":
            fail("gameserverallocation.yaml: a selector of %s servers" % s["gameServerState"])
    return [s.get("matchLabels", {}) for s in sels]


def check_containerfile(eff):
    text = open(os.path.join(DEPLOY, "Containerfile")).read()
    lines = re.sub(r"\\\n", " ", text).splitlines()
    instr = [l.strip().split(None, 1) for l in lines if l.strip() and not l.startswith("#")]
    by = {}
    for k, *rest in instr:
        by.setdefault(k.upper(), []).append(rest[0] if rest else "")
    if by.get("FROM") != ["debian:12-slim"]:
        fail("Containerfile: FROM %s, not debian:12-slim alone" % by.get("FROM"))
    exposed = set(" ".join(by.get("EXPOSE", [])).split())
    for want in ("%s/udp" % eff["game_port"], "%s/tcp" % eff["login_port"],
                 "%s/tcp" % eff["metrics_port"]):
        if want not in exposed:
            fail("Containerfile: does not EXPOSE %s" % want)
    user = by.get("USER", ["root"])[-1].split(":")[0]
    if user in ("root", "0"):
        fail("Containerfile: runs as root")
    try:
        entry = json.loads(by.get("ENTRYPOINT", ["null"])[-1])
    except ValueError:
        entry = None
    if not isinstance(entry, list) or entry[:1] != ["/usr/games/arena-server"] or \
            "--config" not in entry or \
            entry[entry.index("--config") + 1:][:1] != ["/etc/arena-server/arena-server.conf"]:
        fail("Containerfile: ENTRYPOINT %s is not the packaged server with its config file" %
             entry)
    if not any("build/deb/arena-server_" in c for c in by.get("COPY", [])):
        fail("Containerfile: does not install the package scripts/package builds")


def check_server(server, mapfile, fleet_args, eff, selectors_labels, names):
    with tempfile.TemporaryDirectory() as tmp:
        port, mport, sdk_port = free_port(), free_port(), free_port()
        node_port = 7000 + port % 1000  # what Agones would pick on the node
        # The counter at Agones' default capacity: only the server's own PATCH makes it match.
        standin = start_standin(sdk_port, ["players=1000"], node_port)
        log = os.path.join(tmp, "server.log")
        # The Fleet's args first (they must load), then this machine's: loopback, free ports.
        cmd = [server] + [str(a) for a in fleet_args] + [
            "--port", str(port), "--map", mapfile, "--data-dir", os.path.join(tmp, "data"),
            "--set", "bind=127.0.0.1", "--set", "metrics_port=%d" % mport,
            "--set", "metrics_bind=127.0.0.1", "--set", "discovery_port=0"]
        env = dict(os.environ, AGONES_SDK_HTTP_PORT=str(sdk_port))
        srv = subprocess.Popen(cmd, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
        try:
            end = time.monotonic() + 20
            st = None
            while time.monotonic() < end:
                if srv.poll() is not None:
                    die("the server exited %s with the Fleet's args: %s" %
                        (srv.returncode, " ".join(shlex.quote(a) for a in cmd)), log)
                st = standin_log(sdk_port)
                if st["state"] == "Ready":
                    break
                time.sleep(0.1)
            else:
                die("the server was not Ready within 20 s; calls: %s" %
                    [(c["method"], c["path"]) for c in st["calls"][-10:]], log)
            for labels in selectors_labels:
                for k, v in labels.items():
                    if k.startswith("agones.dev/sdk-") and st["labels"].get(k) != v:
                        fail("gameserverallocation.yaml selects %s=%s; the server set %s" %
                             (k, v, st["labels"].get(k)))
            got_cap = st["counters"]["players"]["capacity"]
            if str(got_cap) != eff["max_players"]:
                fail("the server set the players counter's capacity to %s, the Fleet says %s" %
                     (got_cap, eff["max_players"]))
            series = scrape(mport)
            for where, name, ms in names:
                check_selector(where, name, ms, series)
            used = sorted({n for _, n, _ in names})
            print("deploy_files: %d metric names of the rules and tests checked against /metrics: "
                  "%s" % (len(used), " ".join(used)))
            check_panels(readme_panels(), series)
            got_max = [v for _, v in series.get("arena_players_max", [])]
            if got_max != [eff["max_players"]]:
                fail("arena_players_max %s, the Fleet's max_players %s" % (got_max,
                                                                       eff["max_players"]))
        finally:
            if srv.poll() is None:
                srv.send_signal(signal.SIGTERM)
                try:
                    rc = srv.wait(10)
                except subprocess.TimeoutExpired:
                    srv.kill()
                    rc = "none within 10 s of SIGTERM"
                if rc != 0:
                    fail("the server's exit status: %s" % rc)
            standin.kill()
            standin.wait()


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    server, mapfile = sys.argv[1], sys.argv[2]
    settings, options = parse_help(server)
    rc, ver = run([server, "--version"])
    m = re.match(r"arena-server (\S+)", ver)
    if rc != 0 or not m:
        die("arena-server --version: %s" % ver)
    fleet = load_yaml("fleet.yaml")
    gs, c = container_of(fleet)
    args = c.get("args", [])
    eff = effective_settings(args, settings, options)
    metrics_names = [p.get("name") for p in c.get("ports", [])
                     if str(p.get("containerPort")) == eff["metrics_port"]]
    jobs = check_prometheus(metrics_names[0] if metrics_names else None)
    names = alert_selectors()
    for where, name, ms in names:
        for label, op, value in ms:
            if where.startswith("rule ") and label == "job" and op == "=" and value not in jobs:
                fail("%s: job=\"%s\", prometheus.yml scrapes the jobs %s" % (where, value,
                                                                             sorted(jobs)))
    selectors_labels = check_agones(eff, fleet, gs, c, m.group(1))
    check_containerfile(eff)
    check_server(server, mapfile, args, eff, selectors_labels, names)
    if failures:
        print("deploy_files: %d failure(s)" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("deploy_files: ok")


if __name__ == "__main__":
    main()
