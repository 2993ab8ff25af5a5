# The results a Lookout database holds, read in Python for the tests that
# run lookout-agent as a whole process: the chunks sealed per target and the
# rows of the log not yet sealed, unpacked as lookout-chunk-codec.c packs
# them (a test that reads them wrong fails: the formats are checked here).


class _Reader:
    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos

    def varint(self):
        value = shift = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            value |= (b & 0x7f) << shift
            shift += 7
            if b < 0x80:
                return value

    def signed(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)


def _pairs(r, n):
    """@n values packed as (value, run length) pairs."""
    values = []
    while len(values) < n:
        value = r.varint()
        values += [value] * r.varint()
    return values


def _echoes(r, n, latency):
    """A ping's (sent, received, min_us, max_us, jitter_us), or None, of
    each of @n results: the section version 2 added after the codes."""
    runs = [r.varint() for _ in range(r.varint())]
    has = [with_ for k, run in enumerate(runs) for with_ in [k % 2 == 1] * run] or [False] * n
    m = sum(has)
    sent, lost = _pairs(r, m), _pairs(r, m)
    echoes, k = [], 0
    for i in range(n):
        if not has[i]:
            echoes.append(None)
            continue
        base = -1 if latency[i] is None else latency[i]
        below, above = r.signed(), r.signed()
        jitter = r.varint() - 1
        echoes.append((sent[k], sent[k] - lost[k], base - below, base + above, jitter))
        k += 1
    return echoes


def _locations(r, n):
    """Where each of @n results was checked from (None: here): the section
    version 3 added after the errors."""
    names = []
    for _ in range(r.varint()):
        length = r.varint()
        names.append(r.data[r.pos:r.pos + length].decode())
        r.pos += length
    where = _pairs(r, n)
    return [names[k - 1] if k > 0 else None for k in where]


def _body(r, n, echo=False, located=False):
    """(ts_ms, latency_us or None, state, error or None) of @n results; with
    @echo, each also with its echo figures as _echoes() gives them; with
    @located, each then with where it was checked from (None: here)."""
    version = r.data[r.pos]
    assert version in (1, 2, 3), "chunk version"
    r.pos += 1
    assert r.varint() == n
    ts, delta, at = [], 0, 0
    for i in range(n):
        if i == 0:
            at = r.signed()
        else:
            delta = r.signed() if i == 1 else delta + r.signed()
            at += delta
        ts.append(at)
    present, has, i = [], True, 0
    while i < n:                      # latency presence runs
        run = r.varint()
        present += [has] * run
        i += run
        has = not has
    latency, lat = [], 0
    for k in range(n):
        if present[k]:
            lat += r.signed()         # the first is absolute, from 0
            latency.append(lat)
        else:
            latency.append(None)
    states, i = [], 0
    while i < n:
        state = r.data[r.pos]
        r.pos += 1
        run = r.varint()
        states += [state] * run
        i += run
    i = 0
    while i < n:                      # codes
        r.varint()
        i += r.varint()
    echoes = _echoes(r, n, latency) if version >= 2 else [None] * n
    errors, texts, at = [None] * n, [], 0
    for _ in range(r.varint()):
        at += r.varint()
        ref = r.varint()
        if ref == 0:
            length = r.varint()
            texts.append(r.data[r.pos:r.pos + length].decode())
            r.pos += length
            ref = len(texts)
        errors[at] = texts[ref - 1]
    where = _locations(r, n) if version >= 3 else [None] * n
    assert r.pos == len(r.data), "bytes after the chunk"
    rows = list(zip(ts, latency, states, errors, echoes)) if echo else list(zip(ts, latency, states, errors))
    if located:
        return [row + (w,) for row, w in zip(rows, where)]
    return rows


def unpack_chunk(data, echo=False, located=False):
    """The results of one target's sealed chunk."""
    r = _Reader(data)
    n = _Reader(data, 1).varint()
    return _body(r, n, echo, located)


def unpack_log_row(data, echo=False, located=False):
    """(target_id, ts_ms, latency_us or None, state, error or None) of each
    result of one row of the log."""
    r = _Reader(data)
    n = r.varint()
    ids, last = [], 0
    for _ in range(n):
        last += r.signed()
        ids.append(last)
    return [(target_id,) + rest for target_id, rest in zip(ids, _body(r, n, echo, located))]


def stored_results(con, uri, echo=False):
    """Every stored result of the target with that URI, in time order:
    (ts_ms, latency_us or None, state, error or None), and with @echo its
    echo figures: (sent, received, min_us, max_us, jitter_us) for a ping's,
    None for any other."""
    row = con.execute("SELECT id, coalesce((SELECT seq FROM sample_sealed WHERE target_id = id), 0)"
                      " FROM targets WHERE uri = ?", (uri,)).fetchone()
    if row is None:
        return []
    target_id, sealed_seq = row
    results = []
    for (data,) in con.execute("SELECT data FROM sample_chunks WHERE target_id = ?", (target_id,)):
        results += unpack_chunk(data, echo)
    for (data,) in con.execute("SELECT data FROM sample_log WHERE seq > ? ORDER BY seq", (sealed_seq,)):
        results += [r[1:] for r in unpack_log_row(data, echo) if r[0] == target_id]
    return sorted(results, key=lambda r: r[0])


def count_results(con, location=...):
    """How many results the database holds, of every target; with
    @location, only those checked from there (None: here)."""
    marks = dict(con.execute("SELECT target_id, seq FROM sample_sealed"))
    if location is ...:
        sealed = con.execute("SELECT coalesce(sum(n), 0) FROM sample_chunks").fetchone()[0]
    else:
        sealed = sum(1 for (data,) in con.execute("SELECT data FROM sample_chunks")
                     for r in unpack_chunk(data, located=True) if r[-1] == location)
    unsealed = 0
    for seq, data in con.execute("SELECT seq, data FROM sample_log"):
        unsealed += sum(1 for r in unpack_log_row(data, located=True)
                        if seq > marks.get(r[0], 0) and location in (..., r[-1]))
    return sealed + unsealed


def stored_by_uri(con):
    """Every stored result of every target, read once: {uri: [(ts_ms,
    latency_us or None, state, error or None), …]} in time order."""
    uris = dict(con.execute("SELECT id, uri FROM targets"))
    marks = dict(con.execute("SELECT target_id, seq FROM sample_sealed"))
    results = {uri: [] for uri in uris.values()}
    for target_id, data in con.execute("SELECT target_id, data FROM sample_chunks"):
        if target_id in uris:
            results[uris[target_id]] += unpack_chunk(data)
    for seq, data in con.execute("SELECT seq, data FROM sample_log ORDER BY seq"):
        for r in unpack_log_row(data):
            if r[0] in uris and seq > marks.get(r[0], 0):
                results[uris[r[0]]].append(r[1:])
    for rows in results.values():
        rows.sort()
    return results
