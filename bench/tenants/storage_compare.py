"""Issue 21's storage measurement: one SQLite file per tenant against one file with a tenant_id
column. Python's sqlite3 (the same SQLite library the service links), WAL, synchronous=FULL as the
service runs. Prints one line per measurement; docs/tenants.md keeps the numbers.

    python3 bench/tenants/storage_compare.py [TENANTS] [BUSY]
"""
import os, uuid, resource, shutil, sqlite3, statistics, sys, tempfile, threading, time

TENANTS = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
BUSY = int(sys.argv[2]) if len(sys.argv) > 2 else 50
SCHEMA = open(os.path.join(os.path.dirname(__file__), "../../Migrations/schema.sql")).read()
WRITES = 4000


def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])


def fds():
    return len(os.listdir("/proc/self/fd"))


def connect(path):
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA busy_timeout=30000")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def files(root):
    template = os.path.join(root, "template.db")
    db = connect(template)
    db.executescript(SCHEMA)
    db.close()
    times, migrate_times = [], []
    for i in range(TENANTS):
        start = time.perf_counter()
        path = os.path.join(root, f"t{i}.db")
        shutil.copyfile(template, path)
        fd = os.open(path, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        dfd = os.open(root, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
        times.append(time.perf_counter() - start)
    for i in range(50):
        start = time.perf_counter()
        db = connect(os.path.join(root, f"m{i}.db"))
        db.executescript("BEGIN;" + SCHEMA + "COMMIT;")
        db.close()
        migrate_times.append(time.perf_counter() - start)
    print(f"files: create by template copy + fsync p50 {pct(times, .5):.2f} ms p99 {pct(times, .99):.2f} ms; "
          f"by running the schema p50 {pct(migrate_times, .5):.2f} ms")
    before_rss, before_fds = rss_kb(), fds()
    conns = []
    for i in range(TENANTS):
        db = connect(os.path.join(root, f"t{i}.db"))
        db.execute("SELECT count(*) FROM user").fetchone()
        conns.append(db)
    print(f"files: {TENANTS} open connections: +{(rss_kb() - before_rss) / TENANTS:.1f} KiB RSS and "
          f"{(fds() - before_fds) / TENANTS:.1f} fds per tenant")
    for db in conns:
        db.close()
    return [os.path.join(root, f"t{i}.db") for i in range(BUSY)]


def column(root):
    path = os.path.join(root, "one.db")
    db = connect(path)
    db.executescript("""CREATE TABLE tenant (id TEXT PRIMARY KEY, admin_key TEXT, created_at TEXT) STRICT;
        CREATE TABLE user (tenant_id TEXT NOT NULL REFERENCES tenant (id), id TEXT NOT NULL,
          upn TEXT NOT NULL, PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, upn)) STRICT, WITHOUT ROWID;""")
    times = []
    for i in range(TENANTS):
        start = time.perf_counter()
        db.execute("INSERT INTO tenant VALUES (?, 'k', 'now')", (f"t{i}",))
        times.append(time.perf_counter() - start)
    print(f"column: create (one INSERT, fsync) p50 {pct(times, .5):.2f} ms p99 {pct(times, .99):.2f} ms; "
          f"RSS and fds per tenant: 0 (one connection)")
    db.close()
    return path


def throughput(label, paths, tenants):
    # One writer thread per busy tenant, each insert its own transaction (no group commit here:
    # this compares the storage layouts, not the service's batching).
    per = WRITES // tenants
    def work(n):
        db = connect(paths[n % len(paths)])
        db.execute("PRAGMA busy_timeout=10000")
        for i in range(per):
            if label == "column":
                db.execute("INSERT INTO user VALUES (?, ?, ?)", (f"t{n}", f"u{i}-{n}-{tenants}", f"u{i}-{n}-{tenants}@x"))
            else:
                db.execute("INSERT INTO user (id, user_principal_name, created_at) VALUES (?, ?, 'now')",
                           (str(uuid.uuid4()), f"u{i}-{n}-{tenants}@x.com"))
        db.close()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(tenants)]
    start = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - start
    print(f"{label}: {tenants} busy tenant(s): {per * tenants / elapsed:.0f} committed writes/s")


root = tempfile.mkdtemp(dir=os.environ.get("TMPDIR", "/tmp"))
try:
    busy_files = files(root)
    one = column(root)
    throughput("files", busy_files[:1], 1)
    throughput("files", busy_files, BUSY)
    throughput("column", [one], 1)
    throughput("column", [one], BUSY)
finally:
    shutil.rmtree(root)
