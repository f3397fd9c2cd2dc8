#!/usr/bin/env python3
"""The cheapest possible ShadowGate worker, for throughput benchmarks of the harness itself.

Answers hello with the toy bank's ops (see testworker.py), {"type":"ready"} to every reset, and every apply at
once with the same fixed accepted outcome (durationNs fixed at 1000). It does no work: what a benchmark
measures with it is the transport and the harness. Standard library only.

Speed: stdin is read as bytes through its buffer; an apply's id is taken with a regular expression when the
line holds exactly one "id" key and one "type" key (always true for ShadowGate's requests: inside JSON strings
quotes are escaped, so `"id"` can only be a key), otherwise the line is parsed with json.loads. The reply is a
preformatted byte string; stdout is flushed after every reply (ShadowGate may be waiting for it).
"""
import json
import re
import sys

HELLO = (b'{"type":"hello","protocol":1,"name":"trivial","version":"1.0.0","ops":{'
         b'"account.open":"account_lifecycle","account.close":"account_lifecycle",'
         b'"account.deposit":"ledger","account.withdraw":"ledger","clock.advance":null},'
         b'"sideEffectsFeature":"events","clockOp":"clock.advance","transitionRefusalCode":"invalid_transition"}\n')
READY = b'{"type":"ready"}\n'
REPLY_HEAD = b'{"id":'
REPLY_TAIL = (b',"outcome":{"status":"accepted","value":{"balance":0},"transitions":[],'
              b'"snapshot":[{"key":"account:1","status":"open","balance":0}],"events":[],"jobs":[]},'
              b'"durationNs":1000}\n')
ID = re.compile(rb'"id"\s*:\s*(-?\d+)')
TYPE = re.compile(rb'"type"\s*:\s*"([a-z]+)"')


def kind_and_id(line):
    """The request's type and id (id None when absent), cheaply when that is safe."""
    if line.count(b'"id"') <= 1 and line.count(b'"type"') == 1:
        t = TYPE.search(line)
        if t:
            i = ID.search(line)
            return t.group(1), (int(i.group(1)) if i else None)
    try:
        request = json.loads(line)
    except ValueError:
        return None, None
    if not isinstance(request, dict):
        return None, None
    kind, rid = request.get("type"), request.get("id")
    return (kind.encode() if isinstance(kind, str) else None), (rid if isinstance(rid, int) else None)


def main():
    stdin, out = sys.stdin.buffer, sys.stdout.buffer
    write, flush = out.write, out.flush
    for line in stdin:
        kind, rid = kind_and_id(line)
        if kind == b"apply" and rid is not None:
            write(REPLY_HEAD + str(rid).encode() + REPLY_TAIL)
        elif kind == b"reset":
            write(READY)
        elif kind == b"hello":
            write(HELLO)
        elif kind == b"shutdown":
            return
        elif line.strip():
            write(b'{"type":"error","message":"not a request this worker understands"}\n')
        else:
            continue
        flush()


if __name__ == "__main__":
    main()
