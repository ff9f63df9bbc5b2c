"""Results of a run: the table on stdout, results.json and junit.xml in the output folder."""

import json
import os
import xml.etree.ElementTree as ET

PASS, FAIL, UNSUPPORTED, NOT_RUN = "pass", "fail", "not-supported", "not-run"


class Result:
    def __init__(self, case, daemon, status, seconds, reason="", checks=(), facts=None,
                 artifacts=""):
        self.case = case
        self.daemon = daemon
        self.status = status
        self.seconds = seconds
        self.reason = reason
        self.checks = list(checks)
        self.facts = facts or {}
        self.artifacts = artifacts

    def cell(self):
        if self.status == PASS:
            return f"pass {self.seconds:.1f}s"
        if self.status == FAIL:
            return f"FAIL {self.seconds:.1f}s"
        if self.status == UNSUPPORTED:
            return "not supported by daemon"
        return "not run"

    def as_dict(self):
        return {"case": self.case, "daemon": self.daemon, "status": self.status,
                "seconds": round(self.seconds, 3), "reason": self.reason,
                "checks": self.checks, "facts": self.facts, "artifacts": self.artifacts}


def table(results, daemons):
    """case x daemon grid, then one line per non-pass with its reason."""
    cases = []
    for r in results:
        if r.case not in cases:
            cases.append(r.case)
    by_key = {(r.case, r.daemon): r for r in results}
    width = max([len(c) for c in cases] + [4])
    lines = ["case".ljust(width) + "".join(f"  {d:<24}" for d in daemons)]
    lines.append("-" * len(lines[0]))
    for c in cases:
        row = c.ljust(width)
        for d in daemons:
            r = by_key.get((c, d))
            row += f"  {(r.cell() if r else '-'):<24}"
        lines.append(row.rstrip())
    notes = [r for r in results if r.status != PASS]
    if notes:
        lines.append("")
        for r in notes:
            lines.append(f"{r.case} / {r.daemon}: {r.status}: {r.reason}")
    lines += comparison(results)
    counts = {s: sum(1 for r in results if r.status == s)
              for s in (PASS, FAIL, UNSUPPORTED, NOT_RUN)}
    lines.append("")
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()) +
                 f"; {sum(r.seconds for r in results):.1f}s in cases")
    return "\n".join(lines)


# Columns of the "what each tool learned" table (IKEv1 cases: ikewot vs ike-scan).
LEARNED_COLUMNS = ("answer", "transform", "vendor_ids", "identity", "certificate",
                   "signature_verified", "nat")


def comparison(results):
    """Lines of the tool comparison for the cases that recorded a `learned` fact."""
    lines = []
    for r in results:
        learned = r.facts.get("learned")
        if not learned:
            continue
        if not lines:
            lines += ["", "what each tool learned (IKEv1 cases):"]
        lines.append(f"{r.case} / {r.daemon}:")
        for tool, seen in learned.items():
            if seen is None:
                lines.append(f"  {tool:<36} (no result)")
                continue
            parts = []
            for key in LEARNED_COLUMNS:
                value = seen.get(key)
                if key == "vendor_ids":
                    value = ", ".join(str(v.get("name") or v.get("raw")) if isinstance(v, dict)
                                      else str(v) for v in value or []) or "none"
                if key == "answer" and seen.get("notify"):
                    value = f"{value} {seen['notify']}"
                parts.append(f"{key}={value}")
            lines.append(f"  {tool:<36} " + "; ".join(parts))
    return lines


def write(out_dir, results, meta):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump({"meta": meta, "results": [r.as_dict() for r in results]}, f, indent=2)
        f.write("\n")
    suite = ET.Element("testsuite", name="interop", tests=str(len(results)),
                       failures=str(sum(r.status == FAIL for r in results)),
                       skipped=str(sum(r.status in (UNSUPPORTED, NOT_RUN) for r in results)),
                       time=f"{sum(r.seconds for r in results):.3f}")
    for r in results:
        tc = ET.SubElement(suite, "testcase", classname=f"interop.{r.daemon}", name=r.case,
                           time=f"{r.seconds:.3f}")
        if r.status == FAIL:
            ET.SubElement(tc, "failure", message=r.reason[:500]).text = "\n".join(
                f"{'ok  ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}"
                for c in r.checks) + f"\n\nartifacts: {r.artifacts}"
        elif r.status in (UNSUPPORTED, NOT_RUN):
            ET.SubElement(tc, "skipped", message=f"{r.status}: {r.reason}")
        out = ET.SubElement(tc, "system-out")
        out.text = json.dumps(r.facts, indent=1)
    ET.ElementTree(suite).write(os.path.join(out_dir, "junit.xml"), encoding="utf-8",
                                xml_declaration=True)
