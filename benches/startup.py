"""Start-up benchmark: time from process start to the first answered query, and memory.

    python3 benches/startup.py [runs]      (after `cargo build --release`)

Starts target/release/factgraph with the shipped graph `runs` times; each time it polls the
port every millisecond and sends one SPARQL query as soon as a connection is accepted, and reads
the resident memory (VmRSS, and the peak VmHWM) from /proc once the answer is in.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "factgraph")
QUERY = "SELECT ?v WHERE { id:audi-brussels fg:electricVehiclesProduced ?v }"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port):
    """One HTTP/1.1 request; returns the response text, or None while the port is closed."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            path = "/sparql?query=" + urllib.parse.quote(QUERY) + "&format=csv"
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            chunks = []
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
            return b"".join(chunks).decode()
    except OSError:
        return None


def memory_mib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def run_once():
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [BINARY, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "warn"},
    )
    try:
        while True:
            answer = ask(port)
            if answer is not None:
                break
            if time.perf_counter() - started > 30:
                raise RuntimeError("no answer within 30 s")
            time.sleep(0.001)
        elapsed = (time.perf_counter() - started) * 1000
        if "43866" not in answer:
            raise RuntimeError(f"unexpected answer: {answer[:300]}")
        rss, peak = memory_mib(process.pid)
        return elapsed, rss, peak
    finally:
        process.kill()
        process.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    results = [run_once() for _ in range(runs)]
    times = sorted(r[0] for r in results)
    print(f"{runs} runs of {BINARY} with the shipped graph")
    print(f"start to first answer: median {statistics.median(times):.1f} ms, "
          f"min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
    print(f"resident memory after the first answer: median {statistics.median(r[1] for r in results):.1f} MiB, "
          f"peak (VmHWM) median {statistics.median(r[2] for r in results):.1f} MiB")


if __name__ == "__main__":
    main()
