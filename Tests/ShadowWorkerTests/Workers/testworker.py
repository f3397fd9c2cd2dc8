#!/usr/bin/env python3
"""A configurable ShadowGate worker for the tests' failure paths. Python 3.11, standard library only.

The domain is the toy bank of examples/python-worker/worker.py (copied here so this folder is
self-contained): account.open/close (feature account_lifecycle), account.deposit/withdraw (ledger),
clock.advance (not compared); sideEffectsFeature "events". --mode legacy lets a withdrawal overdraw the
account; --mode modern refuses it with "insufficient_funds". Nothing else differs.

Flags (every *-on-seq flag takes the scenario line's `seq`; they may be combined):
  --mode legacy|modern     default legacy
  --crash-on-seq N         on applying seq N: write "testworker: crashing at seq N" to stderr, exit 3 at once
  --junk-on-seq N          on applying seq N: write "this is not JSON (junk at seq N)" instead of the reply
  --wrong-id-on-seq N      on applying seq N: reply with id + 1000 (the outcome itself is right)
  --hang-on-seq N          on applying seq N: sleep 60 s, then reply normally
  --fault-on-seq N         on applying seq N: reply {"id":..,"fault":{"message":"boom at seq N","class":"RuntimeError"}}
  --on-scenario ID         the *-on-seq failures happen only in scenario ID (default: any scenario)
  --always                 the *-on-seq failures happen every time seq N is applied, in every process,
                           replays after a restart included
  --die-in-handshake       read hello, write "fatal: cannot boot" to stderr, exit 1
  --die-in-handshake-on-restart   the same, but only in processes after the first (needs --state-file)
  --silent-handshake       read hello, never answer (reads and ignores stdin, exits 0 at end of input)
  --bad-protocol           answer hello with "protocol": 2
  --noise                  add "token" (random uuid4 hex) to value{} of every accepted outcome (value{} is
                           created when the op has none) and "requestId" (random integer) to every snapshot entry
  --ops-feature-override OP=FEATURE   report FEATURE for OP in hello (FEATURE "null": JSON null); repeatable
  --omit-op OP             leave OP out of hello's ops (applying it is then answered `invalid`); repeatable
  --state-file PATH        append one line per event to PATH: "start", "reset SCENARIO", "apply SEQ",
                           "shutdown" ("apply SEQ" is written before any failure of that command)
  --stderr-noise           write about 100 KB of log lines to stderr before each apply's reply
  --sleep-ms N             sleep N ms inside each apply (counted in durationNs)
  --quirks ID,ID           list these quirk ids in hello ("quirks"); `bank.overdraft` is legacy's overdraft
  --probe MODE             how a probe (an apply with "without") is answered: honour (default: on a copy of the
                           world, with bank.overdraft switched off a withdrawal beyond the balance is refused as
                           modern does), ignore (the copy behaves as legacy, whatever "without" says), fault,
                           invalid, leak (honours "without" but on the real world: a broken probe that changes it).
                           The state file gets "probe SEQ WITHOUT".

Which process is "the first" (for the *-on-seq failures without --always, and --die-in-handshake-on-restart):
the one that found no "start" line in --state-file when it started. An environment variable cannot do
this (ShadowGate gives every restarted process the same environment), so the state file is the only
memory across restarts, and an *-on-seq flag without --always requires --state-file: without it the worker
writes the reason to stderr and exits 2 before the handshake. Within the first process, a failure happens
every time seq N is applied (in every scenario, unless --on-scenario); a crash, junk line, wrong id or hang
gets the process killed, so in practice they happen once. Use one state file per side (and per run).
"""
import argparse
import copy
import json
import os
import random
import sys
import time
import uuid

# The toy bank itself is the reference worker's (examples/python-worker/worker.py): this file only adds the faults.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "python-worker"))
from worker import FIELDS, OPS, Bank, InvalidCommand, accepted, event, rejected  # noqa: E402,F401


def parse_args():
    p = argparse.ArgumentParser(description="configurable ShadowGate test worker (see the module docstring)")
    p.add_argument("--mode", choices=("legacy", "modern"), default="legacy")
    for name in ("crash", "junk", "wrong-id", "hang", "fault"):
        p.add_argument(f"--{name}-on-seq", type=int, metavar="N")
    p.add_argument("--on-scenario", metavar="ID")
    p.add_argument("--always", action="store_true")
    p.add_argument("--die-in-handshake", action="store_true")
    p.add_argument("--die-in-handshake-on-restart", action="store_true")
    p.add_argument("--silent-handshake", action="store_true")
    p.add_argument("--bad-protocol", action="store_true")
    p.add_argument("--noise", action="store_true")
    p.add_argument("--ops-feature-override", action="append", default=[], metavar="OP=FEATURE")
    p.add_argument("--omit-op", action="append", default=[], metavar="OP")
    p.add_argument("--state-file", metavar="PATH")
    p.add_argument("--stderr-noise", action="store_true")
    p.add_argument("--sleep-ms", type=int, default=0, metavar="N")
    p.add_argument("--quirks", default="", metavar="ID,ID")
    p.add_argument("--probe", choices=("honour", "ignore", "fault", "invalid", "leak"), default="honour")
    return p.parse_args()


def log_state(args, line):
    """One line per event, opened and closed each time so that a killed process leaves an exact count."""
    if args.state_file:
        with open(args.state_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def count_starts(path):
    try:
        with open(path, encoding="utf-8") as f:
            return sum(1 for line in f if line.strip() == "start")
    except FileNotFoundError:
        return 0


def reply(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def hello_ops(args):
    ops = dict(OPS)
    for item in args.ops_feature_override:
        op, _, feature = item.partition("=")
        ops[op] = None if feature == "null" else feature
    for op in args.omit_op:
        ops.pop(op, None)
    return ops


def add_noise(outcome):
    if outcome["status"] == "accepted":
        outcome.setdefault("value", {})["token"] = uuid.uuid4().hex
    for entry in outcome["snapshot"]:
        entry["requestId"] = random.randrange(1, 1_000_000_000)


def stderr_noise(seq):
    line = f"[debug] testworker seq {seq}: " + "x" * 70 + "\n"
    sys.stderr.write(line * (100_000 // len(line) + 1))  # about 100 KB
    sys.stderr.flush()


def main():
    args = parse_args()
    on_seq = {k: getattr(args, f"{k}_on_seq") for k in ("crash", "junk", "wrong_id", "hang", "fault")}
    if any(v is not None for v in on_seq.values()) and not args.always and not args.state_file:
        sys.stderr.write("testworker: an *-on-seq flag without --always needs --state-file "
                         "(to tell the first process from restarts)\n")
        sys.exit(2)
    if args.die_in_handshake_on_restart and not args.state_file:
        sys.stderr.write("testworker: --die-in-handshake-on-restart needs --state-file\n")
        sys.exit(2)
    first_process = args.state_file is None or count_starts(args.state_file) == 0
    log_state(args, "start")
    armed = args.always or first_process  # whether the *-on-seq failures may happen in this process
    sys.stdin.reconfigure(encoding="utf-8")
    bank = Bank(args.mode)
    ops = hello_ops(args)

    for line in sys.stdin:
        try:
            request = json.loads(line)
            kind = request.get("type") if isinstance(request, dict) else None
        except ValueError as e:
            reply({"type": "error", "message": f"request is not JSON: {e}"})
            continue

        if kind == "hello":
            if args.die_in_handshake or (args.die_in_handshake_on_restart and not first_process):
                sys.stderr.write("fatal: cannot boot\n")
                sys.stderr.flush()
                sys.exit(1)
            if args.silent_handshake:
                for _ in sys.stdin:  # never answer; leave at end of input so no process is left behind
                    pass
                sys.exit(0)
            if request.get("protocol") != 1:
                reply({"type": "error", "message": f"unsupported protocol {request.get('protocol')}; this worker speaks 1"})
                sys.exit(2)
            hello = {"type": "hello", "protocol": 2 if args.bad_protocol else 1, "name": f"testworker-{args.mode}",
                     "version": "1.0.0-test", "ops": ops, "sideEffectsFeature": "events", "clockOp": "clock.advance",
                     "transitionRefusalCode": "invalid_transition"}
            if args.quirks:
                hello["quirks"] = args.quirks.split(",")
            reply(hello)

        elif kind == "reset":
            log_state(args, f"reset {request.get('scenario')}")
            bank = Bank(args.mode)
            reply({"type": "ready"})

        elif kind == "apply":
            rid, op, fields, seq = request.get("id"), request.get("op"), request.get("fields"), request.get("seq")
            without = request.get("without")
            if without is not None:
                log_state(args, f"probe {seq} {','.join(without)}")
                if args.probe == "invalid":
                    reply({"id": rid, "invalid": {"message": f"cannot switch off {without}"}})
                elif args.probe == "fault":
                    reply({"id": rid, "fault": {"message": f"probe boom at seq {seq}", "class": "RuntimeError"}})
                else:
                    # the real world is left as it is (except by --probe leak)
                    probe_bank = bank if args.probe == "leak" else copy.deepcopy(bank)
                    if args.probe in ("honour", "leak") and "bank.overdraft" in without:
                        probe_bank.mode = "modern"
                    try:
                        reply({"id": rid, "outcome": probe_bank.apply(op, fields, request.get("now")), "durationNs": 1})
                    except InvalidCommand as e:
                        reply({"id": rid, "invalid": {"message": str(e)}})
                    probe_bank.mode = args.mode
                continue
            log_state(args, f"apply {seq}")
            if args.stderr_noise:
                stderr_noise(seq)
            fires = {k: armed and n is not None and seq == n
                     and (args.on_scenario is None or request.get("scenario") == args.on_scenario)
                     for k, n in on_seq.items()}
            if fires["crash"]:
                sys.stderr.write(f"testworker: crashing at seq {seq}\n")
                sys.stderr.flush()
                os._exit(3)  # abrupt: no cleanup, no reply
            if fires["hang"]:
                time.sleep(60)
            if op not in ops or op not in FIELDS:
                reply({"id": rid, "invalid": {"message": f'op "{op}" is not implemented by this worker'}})
                continue
            if not isinstance(fields, dict):
                reply({"id": rid, "invalid": {"message": '"fields" must be an object'}})
                continue
            try:
                start = time.perf_counter_ns()
                if args.sleep_ms:
                    time.sleep(args.sleep_ms / 1000)
                if fires["fault"]:
                    raise RuntimeError(f"boom at seq {seq}")
                outcome = bank.apply(op, fields, request.get("now"))
                duration = time.perf_counter_ns() - start
                if args.noise:
                    add_noise(outcome)
                answer = {"id": rid, "outcome": outcome, "durationNs": duration}
            except InvalidCommand as e:
                answer = {"id": rid, "invalid": {"message": str(e)}}
            except Exception as e:
                answer = {"id": rid, "fault": {"message": str(e), "class": type(e).__name__}}
            if fires["wrong_id"] and isinstance(rid, int):
                answer["id"] = rid + 1000
            if fires["junk"]:
                sys.stdout.write(f"this is not JSON (junk at seq {seq})\n")
                sys.stdout.flush()
            else:
                reply(answer)

        elif kind == "shutdown":
            log_state(args, "shutdown")
            sys.exit(0)
        else:
            reply({"type": "error", "message": f"unknown request type {json.dumps(kind)}"})


if __name__ == "__main__":
    main()
