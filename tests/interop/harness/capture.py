"""Packet captures of one case and what the harness reads out of them with tshark.

dumpcap runs inside a host's namespace and writes every packet of one interface (IKE on 500 and
4500, ESP, ESP-in-UDP, IP fragments, ICMP) to a pcap. `check_dissection` is the issue's rule:
every captured IKE packet must dissect without a malformed-packet warning. tshark starts
slowly, so a pcap is read once into a `Summary` and every check works on that.
"""

import os
import signal
import time

from harness.proc import HarnessError, run, wait_for

# IP reassembly on (the default, stated so that the checks do not depend on a profile).
TSHARK_OPTS = ["-o", "ip.defragment:TRUE"]


class Capture:
    def __init__(self, procs, host, iface, pcap_path):
        self.pcap = pcap_path
        self._stopped = False
        log = pcap_path + ".log"
        self._proc = procs.start(f"dumpcap@{host.ns}",
                                 host.cmd("dumpcap", "-i", iface, "-P", "-w", pcap_path),
                                 log)
        # dumpcap announces "Capturing on" once the interface is open; writes start right after.
        wait_for(lambda: "Capturing on" in self._proc.log_text() or not self._proc.alive(),
                 10, f"dumpcap on {iface} in {host.ns}")
        if not self._proc.alive():
            raise HarnessError(f"dumpcap failed: {self._proc.log_text()[-500:]}")
        wait_for(lambda: os.path.exists(pcap_path), 5, f"{pcap_path} to appear")

    def stop(self):
        """Stops the capture (idempotent); the pcap is complete afterwards."""
        if self._stopped:
            return
        self._stopped = True
        # dumpcap reads the kernel's buffer in batches: give it time to see the last packets,
        # then SIGINT lets it write them and close the file properly.
        time.sleep(0.5)
        self._proc.stop(signal.SIGINT)


def fields(pcap, display_filter, names):
    """Rows (lists of strings, one per field) of the packets matching display_filter."""
    cmd = ["tshark", "-r", pcap, *TSHARK_OPTS, "-T", "fields", "-E", "separator=|",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for name in names:
        cmd += ["-e", name]
    out = run(cmd, timeout=60).stdout
    return [line.split("|") for line in out.splitlines() if line]


def check_dissection(pcap):
    """Number of IKE packets; raises when tshark flags any IKE packet as malformed."""
    bad = fields(pcap, "(udp.port == 500 || udp.port == 4500) && "
                 "(_ws.malformed || _ws.expert.severity == error)",
                 ["frame.number", "_ws.col.Info"])
    if bad:
        listing = "; ".join(f"frame {row[0]}: {row[1]}" for row in bad[:5])
        raise HarnessError(f"tshark reports {len(bad)} malformed packet(s) in "
                           f"{os.path.basename(pcap)}: {listing}")
    return Summary(pcap).ike


_COLUMNS = ["frame.protocols", "ip.src", "ip.dst", "udp.srcport", "udp.dstport",
            "isakmp.nextpayload", "isakmp.notify.msgtype", "ip.flags.mf", "ip.frag_offset",
            "icmp.type"]


class Summary:
    """What crossed the wire, for the checks of a case (one tshark pass, cached per pcap)."""

    _cache = {}

    def __new__(cls, pcap):
        key = (pcap, os.path.getmtime(pcap), os.path.getsize(pcap))
        if key not in cls._cache:
            obj = super().__new__(cls)
            obj._read(pcap)
            cls._cache[key] = obj
        return cls._cache[key]

    def _read(self, pcap):
        self.pcap = pcap
        self.rows = []
        for row in fields(pcap, "", _COLUMNS):
            d = dict(zip(_COLUMNS, row + [""] * (len(_COLUMNS) - len(row))))
            d["layers"] = d["frame.protocols"].split(":")
            self.rows.append(d)
        ike = [r for r in self.rows if "isakmp" in r["layers"]]
        self.ike = len(ike)
        self.ike_v6 = sum(1 for r in ike if "ipv6" in r["layers"])
        self.ike_4500 = sum(1 for r in ike if "4500" in (r["udp.srcport"], r["udp.dstport"]))
        esp = [r for r in self.rows if "esp" in r["layers"]]
        self.esp = len(esp)
        self.esp_in_udp = sum(1 for r in esp if "udp" in r["layers"])
        self.fragment_rows = [r for r in ike if "53" in r["isakmp.nextpayload"].split(",")]
        self.ike_fragments = len(self.fragment_rows)
        self.ip_fragments = sum(1 for r in self.rows if r["ip.flags.mf"] in ("1", "True") or
                                r["ip.frag_offset"] not in ("", "0"))
        self.notifies = set()
        for r in ike:
            self.notifies.update(int(v) for v in r["isakmp.notify.msgtype"].split(",") if v)

    def fragment_senders(self):
        """Source addresses of IKE messages that carried SKF payloads (RFC 7383)."""
        return {r["ip.src"] for r in self.fragment_rows}

    def cleartext_icmp_from(self, address):
        """ICMP packets from `address` that are not inside ESP (tshark cannot decrypt ESP)."""
        return sum(1 for r in self.rows if "icmp" in r["layers"] and "esp" not in r["layers"]
                   and address in r["ip.src"].split(","))

    def echo_requests(self, src, dst):
        return sum(1 for r in self.rows if r["icmp.type"] == "8" and
                   r["ip.src"] == src and r["ip.dst"] == dst)

    def as_dict(self):
        return {"ike": self.ike, "ike_over_ipv6": self.ike_v6, "ike_on_4500": self.ike_4500, "esp": self.esp,
                "esp_in_udp": self.esp_in_udp, "ike_fragments_skf": self.ike_fragments,
                "ip_fragments": self.ip_fragments, "notifies": sorted(self.notifies)}
