#!/usr/bin/env python3
"""attack_database.py — the shared database (PostgreSQL) hangs, dies and comes back while two
servers of one fleet play on it. Run under tests/pg/with_postgres.sh (ARENA_TEST_DATABASE,
ARENA_PG_STOP, ARENA_PG_START, ARENA_PG_DIR); without it the test is skipped (77).

Server A (with the suite's legit bots and chatters) and server B share the database.
  1. a name banned on A is refused on B within 3 s (NOTIFY), and is a row in the database; a
     legend another program writes into the hall of fame (with NOTIFY) is protected on both:
     its name without the claim is refused, with the claim it logs in as the legend;
  2. the database hangs (every PostgreSQL process SIGSTOPped, 2 s): A still answers arena-ctl at
     once, a ban made meanwhile counts at once, logins go on;
  3. the database dies (pg_ctl stop -m immediate, 3 s): A logs it once, not per try; a ban made
     while it is down counts at once on A; new players still log in;
  4. it comes back: A says so once, writes the two bans that waited (rows in the database), and
     B, which lost it too, refuses the ban made on A while the database was down.
Throughout, the legit players must not notice (the suite's rate and gap checks)."""
import hashlib
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import harness as H  # noqa: E402

DB = os.environ.get("ARENA_TEST_DATABASE")


def psql(sql):
    r = subprocess.run(["psql", "-XAtq", DB, "-c", sql], capture_output=True, text=True,
                       timeout=10)
    return r.stdout.strip() if r.returncode == 0 else None


def pg_pids():
    """The test's postmaster and its children (never another cluster)."""
    with open(os.path.join(os.environ["ARENA_PG_DIR"], "data", "postmaster.pid")) as f:
        master = int(f.readline())
    pids = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid == master:
                    pids.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return pids


def refused(port, name, bind):
    c, ok, seen = H.login(port, name, bind=bind)
    c.close()
    return ok is None and any("ERR banned" in (l or "") for l in seen), seen


def timed_ctl(srv, *args):
    t0 = H.now()
    rc, out, err = srv.ctl(*args)
    return rc, out.strip() or err.strip(), H.now() - t0


def wait_refused(port, name, bind, timeout):
    end = H.now() + timeout
    while True:
        ok, seen = refused(port, name, bind)
        if ok or H.now() >= end:
            return ok, seen
        time.sleep(0.2)


def body(ctx):
    if not DB:
        print("SKIP | database | needs tests/pg/with_postgres.sh (ARENA_TEST_DATABASE)")
        sys.exit(77)
    sets = {"database": DB}
    sc = H.Scenario(ctx, bot_seconds=22.0, sets=sets)
    sc.start()
    a = sc.server
    b = H.Server(ctx, tag="srvb", sets=sets)
    ctx.procs.append(b.start().proc)
    ctx.check("both servers use the database", a.wait_log(r"\[store\] .*in postgresql://", 3) and
              b.wait_log(r"\[store\] .*in postgresql://", 3), a.log_text()[-300:])

    rc, said, _ = timed_ctl(a, "ban", "fleetwide", "shared", "ban")
    ok, seen = wait_refused(b.port, "fleetwide", "127.0.0.21", 3.0)
    ctx.check("a ban on A is refused on B within 3 s", rc == 0 and ok, (said, seen[-1:]))
    rows = psql("SELECT count(*) FROM bans WHERE label = 'fleetwide'")
    ctx.check("the ban is a row in the database", rows == "1", rows)

    secret = os.urandom(16)
    digest = hashlib.blake2b(secret, digest_size=32).hexdigest()
    psql("INSERT INTO hall_of_fame (name, name_key, name_key2, found_at, map, claim_hash) "
         "VALUES ('Finder', 'finder', 'finder', '2026-01-01 00:00:00', 'arena', '%s'); "
         "NOTIFY arena_changed, 'fame'" % digest)
    for srv, bind in ((a, "127.0.0.27"), (b, "127.0.0.28")):
        end = H.now() + 3
        while True:
            c, ok, seen = H.login(srv.port, "Finder", bind=bind)
            c.close()
            taken = ok is None and any("belongs to a legend" in (l or "") for l in seen)
            if taken or H.now() >= end:
                break
            time.sleep(0.2)
        ctx.check("%s: a legend written elsewhere is refused without its claim" % srv.tag,
                  taken, seen[-1:])
        c, ok, seen = H.login(srv.port, "Finder", bind=bind, version=a.version,
                              extra=" " + secret.hex())
        c.close()
        ctx.check("%s: ... and logs in as the legend with it" % srv.tag, ok is not None and
                  srv.wait_log(r"logged in as 'Finder' \(slot \d+, legend\)", 2.0), seen[-1:])

    sc.begin_attack()
    pids = pg_pids()
    for p in pids:
        os.kill(p, signal.SIGSTOP)
    try:
        rc, said, took = timed_ctl(a, "ban", "hung", "while", "hung")
        ok, seen = refused(a.port, "hung", "127.0.0.22")
        c, fine, _ = H.login(a.port, "newcomer1", bind="127.0.0.23")
        c.close()
        time.sleep(max(0.0, 2.0 - took))
    finally:
        for p in pids:
            os.kill(p, signal.SIGCONT)
    ctx.check("database hung: arena-ctl ban answered within 1 s", rc == 0 and took < 1.0,
              "rc %s in %.2f s: %s" % (rc, took, said))
    ctx.check("database hung: the new ban counts at once", ok, seen[-1:])
    ctx.check("database hung: a newcomer logs in", fine is not None)

    lines_before = a.log_text().count("the database is unreachable")
    subprocess.run(os.environ["ARENA_PG_STOP"], shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lost = a.wait_log(r"the database is unreachable", 5.0)
    rc, said, took = timed_ctl(a, "ban", "whiledown", "while", "down")
    ok, seen = refused(a.port, "whiledown", "127.0.0.24")
    c, fine, _ = H.login(a.port, "newcomer2", bind="127.0.0.25")
    c.close()
    time.sleep(3.0)
    ctx.check("database down: A logs it once for the outage",
              lost and a.log_text().count("the database is unreachable") == lines_before + 1,
              "%d lines" % (a.log_text().count("the database is unreachable") - lines_before))
    ctx.check("database down: arena-ctl ban answered, and counts at once",
              rc == 0 and took < 1.0 and ok, "rc %s in %.2f s: %s; %s" % (rc, took, said,
                                                                         seen[-1:]))
    ctx.check("database down: a newcomer logs in", fine is not None)
    subprocess.run(os.environ["ARENA_PG_START"], shell=True, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sc.end_attack()

    back = a.wait_log(r"the database is back", 35.0)
    ctx.check("database back: A says so once", len(back) == 1, back)
    end = H.now() + 5
    rows = None
    while H.now() < end:
        rows = psql("SELECT string_agg(label, ',' ORDER BY label) FROM bans")
        if rows and "whiledown" in rows and "hung" in rows:
            break
        time.sleep(0.2)
    ctx.check("database back: the bans made meanwhile are rows", rows is not None and
              "whiledown" in rows and "hung" in rows, rows)
    b.wait_log(r"the database is back", 35.0)
    ok, seen = wait_refused(b.port, "whiledown", "127.0.0.26", 5.0)
    ctx.check("database back: B refuses the ban A made while it was down", ok, seen[-1:])
    ctx.check("A's log: one loss and one return",
              a.log_text().count("the database is unreachable") == 1 and
              a.log_text().count("the database is back") == 1)
    b.stop()
    final = sc.finish()
    ctx.row["sent"] = "PostgreSQL SIGSTOPped 2 s, then killed (immediate) for 3 s, under 2 servers"
    ctx.row["server"] = "%s; ticks %s" % (
        "recovered" if back else "not recovered", (final or {}).get("ticks"))
    ctx.row["amplification"] = "n/a (the server is the client)"


if __name__ == "__main__":
    H.main("database", __doc__, body)
