#!/usr/bin/env python3
"""The smallest ShadowGate worker: a toy bank, in two modes, over the JSON Lines worker protocol.

    python3 worker.py legacy|modern

Requests arrive one JSON object per line on stdin; each gets one reply line on stdout, in order.
Logs go to stderr only. See docs/protocol.md.

The two modes differ in exactly one documented way:
    legacy  lets a withdrawal overdraw the account (the balance goes negative);
    modern  rejects it with errorCode "insufficient_funds".
"""
import json
import sys
import time

OPS = {  # every op this worker implements -> the feature it is compared under (None: applied, not compared)
    "account.open": "account_lifecycle", "account.close": "account_lifecycle",
    "account.deposit": "ledger", "account.withdraw": "ledger", "clock.advance": None,
}
FIELDS = {  # the fields of each op, all required, with their type
    "account.open": {"accountId": int, "owner": str}, "account.close": {"accountId": int},
    "account.deposit": {"accountId": int, "amount": int}, "account.withdraw": {"accountId": int, "amount": int},
    "clock.advance": {"seconds": int},
}


class InvalidCommand(Exception):
    """The command is malformed for this worker: bad input, not a rejection."""


class Bank:
    def __init__(self, mode):
        self.mode = mode
        self.accounts = {}  # id -> {"owner", "status": "open"|"closed", "balance"}
        self.next_job = 1   # an id source, restarted by reset

    def apply(self, op, fields, now):
        for name in fields:
            if name not in FIELDS[op]:
                raise InvalidCommand(f'unknown field "{name}" for {op}')
        for name, kind in FIELDS[op].items():
            if name not in fields:
                raise InvalidCommand(f'missing field "{name}" for {op}')
            if kind is int and type(fields[name]) is float and fields[name].is_integer():
                fields[name] = int(fields[name])  # 100.0 is the integer 100
            if type(fields[name]) is not kind:  # `is`, so that true is not an integer
                raise InvalidCommand(f'field "{name}" of {op} must be {"an integer" if kind is int else "a string"}')
        if op == "clock.advance":  # ShadowGate moves `now` itself; nothing else changes
            if fields["seconds"] < 0:
                raise InvalidCommand('field "seconds" of clock.advance must not be negative')
            return accepted()
        aid = fields["accountId"]
        account = self.accounts.get(aid)
        if op == "account.open":
            if account is not None:
                return rejected("account_exists", f"account {aid} already exists")
            account = self.accounts[aid] = {"owner": fields["owner"], "status": "open", "balance": 0}
            return accepted(aid, account, event("account.opened", aid, now, owner=fields["owner"]))
        if account is None:
            return rejected("account_not_found", f"account {aid} does not exist")
        if op == "account.close":
            if account["status"] != "open":
                return rejected("invalid_transition", f"cannot move account {aid} from {account['status']} to closed")
            account["status"] = "closed"
            job = {"id": self.next_job, "listener": "SendClosingStatement", "event": "account.closed",
                   "status": "processed"}
            self.next_job += 1
            return accepted(aid, account, event("account.closed", aid, now),
                            transitions=[{"entity": "account", "id": str(aid), "from": "open", "to": "closed"}],
                            jobs=[job])
        amount = fields["amount"]
        if account["status"] != "open":
            return rejected("account_closed", f"account {aid} is closed")
        if amount <= 0:
            return rejected("invalid_amount", f"amount must be positive, got {amount}")
        if op == "account.deposit":
            account["balance"] += amount
            return accepted(aid, account, event("account.deposited", aid, now, amount=amount))
        # account.withdraw: THE documented difference between the modes.
        if self.mode == "modern" and amount > account["balance"]:
            return rejected("insufficient_funds", f"account {aid} holds {account['balance']}, cannot withdraw {amount}")
        account["balance"] -= amount
        return accepted(aid, account, event("account.withdrawn", aid, now, amount=amount))


def event(name, aid, now, **payload):
    return {"name": name, "payload": {"accountId": aid, "at": now, **payload}}


def accepted(aid=None, account=None, ev=None, transitions=(), jobs=()):
    outcome = {"status": "accepted", "transitions": list(transitions), "snapshot": [],
               "events": [ev] if ev else [], "jobs": list(jobs)}
    if account is not None:
        outcome["value"] = {"balance": account["balance"]}
        outcome["snapshot"] = [{"key": f"account:{aid}", "status": account["status"], "balance": account["balance"]}]
    return outcome


def rejected(code, message):
    return {"status": "rejected", "errorCode": code, "transitions": [], "snapshot": [], "events": [], "jobs": [],
            "message": message}


def reply(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()  # after every reply: ShadowGate is waiting for it


def main():
    mode = sys.argv[1] if len(sys.argv) == 2 else ""
    if mode not in ("legacy", "modern"):
        sys.exit("usage: worker.py legacy|modern")
    bank = Bank(mode)
    sys.stdin.reconfigure(encoding="utf-8")  # the protocol is UTF-8 whatever the locale
    for line in sys.stdin:
        try:
            request = json.loads(line)
            kind = request.get("type") if isinstance(request, dict) else None
        except ValueError as e:
            reply({"type": "error", "message": f"request is not JSON: {e}"})
            continue
        if kind == "hello":
            if request.get("protocol") != 1:
                reply({"type": "error", "message": f"unsupported protocol {request.get('protocol')}; this worker speaks 1"})
                sys.exit(2)
            print(f"worker.py {mode}: hello from the {request.get('side')} side", file=sys.stderr)
            reply({"type": "hello", "protocol": 1, "name": f"python-bank-{mode}", "version": "1.0.0", "ops": OPS,
                   "sideEffectsFeature": "events", "clockOp": "clock.advance",
                   "transitionRefusalCode": "invalid_transition"})
        elif kind == "reset":
            bank = Bank(mode)  # a fresh world: no accounts, job ids from 1
            reply({"type": "ready"})
        elif kind == "apply":
            rid, op, fields = request.get("id"), request.get("op"), request.get("fields")
            if op not in OPS:
                reply({"id": rid, "invalid": {"message": f'op "{op}" is not implemented by this worker'}})
                continue
            if not isinstance(fields, dict):
                reply({"id": rid, "invalid": {"message": '"fields" must be an object'}})
                continue
            try:
                start = time.perf_counter_ns()
                outcome = bank.apply(op, fields, request.get("now"))
                reply({"id": rid, "outcome": outcome, "durationNs": time.perf_counter_ns() - start})
            except InvalidCommand as e:
                reply({"id": rid, "invalid": {"message": str(e)}})
            except Exception as e:  # a crash of the implementation (an HTTP 500): a fault, never a rejection
                reply({"id": rid, "fault": {"message": str(e), "class": type(e).__name__}})
        elif kind == "shutdown":
            sys.exit(0)
        else:
            reply({"type": "error", "message": f"unknown request type {json.dumps(kind)}"})
    # end of input: exit 0, as after shutdown


if __name__ == "__main__":
    main()
