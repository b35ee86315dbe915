#!/usr/bin/python3
"""A misbehaving SMTP server on 127.0.0.1 for it_notify_faults (SPEC 12's faults).

    smtp_stub.py --port-file FILE --log FILE [--delay S] [--code N --at rcpt|data|end] [--hold-first]

Writes the port it listens on to --port-file, then one line per event to --log
(flushed at once), numbering the sessions from 1:

    connect N | held N MESSAGE-ID | accepted N RCPT MESSAGE-ID | refused N CODE | closed N

--delay S     waits S seconds before every reply (a slow server)
--code N      answers N instead of going on, at RCPT TO (rcpt), at DATA (data) or
              after the message's final dot (end)
--hold-first  never answers the final dot of the first message (the DATA phase is
              held open until the client goes away); later messages are accepted
It runs until killed.
"""
import argparse
import os
import re
import socket
import threading
import time

LOCK = threading.Lock()
SESSIONS = [0]
HELD = [False]


def log(path, line):
    with LOCK:
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def session(conn, n, args):
    f = conn.makefile("rb")
    rcpt = ""

    def reply(text):
        if args.delay:
            time.sleep(args.delay)
        conn.sendall((text + "\r\n").encode())

    try:
        reply("220 stub ESMTP")
        while True:
            line = f.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                reply("250-stub\r\n250 8BITMIME")
            elif verb == "MAIL":
                reply("250 ok")
            elif verb == "RCPT":
                m = re.search(r"<([^>]*)>", cmd)
                rcpt = m.group(1) if m else ""
                if args.at == "rcpt":
                    log(args.log, f"refused {n} {args.code}")
                    reply(f"{args.code} no")
                else:
                    reply("250 ok")
            elif verb == "DATA":
                if args.at == "data":
                    log(args.log, f"refused {n} {args.code}")
                    reply(f"{args.code} no")
                    continue
                reply("354 go on")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = f.readline()
                    if not chunk:
                        return
                    data += chunk
                m = re.search(rb"\r\nMessage-ID: (<[^>]*>)", b"\r\n" + data)
                mid = m.group(1).decode() if m else "-"
                with LOCK:
                    hold = args.hold_first and not HELD[0]
                    HELD[0] = True
                if hold:
                    log(args.log, f"held {n} {mid}")
                    while conn.recv(4096):  # until the client goes away
                        pass
                    return
                if args.at == "end":
                    log(args.log, f"refused {n} {args.code}")
                    reply(f"{args.code} no")
                    continue
                log(args.log, f"accepted {n} {rcpt} {mid}")
                reply("250 queued")
            elif verb == "QUIT":
                reply("221 bye")
                return
            else:  # RSET, NOOP, ...
                reply("250 ok")
    except OSError:
        pass
    finally:
        log(args.log, f"closed {n}")
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--code", type=int, default=0)
    p.add_argument("--at", choices=("rcpt", "data", "end"), default=None)
    p.add_argument("--hold-first", action="store_true")
    args = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{s.getsockname()[1]}\n")
    os.rename(tmp, args.port_file)
    while True:
        conn, _ = s.accept()
        with LOCK:
            SESSIONS[0] += 1
            n = SESSIONS[0]
        log(args.log, f"connect {n}")
        threading.Thread(target=session, args=(conn, n, args), daemon=True).start()


if __name__ == "__main__":
    main()
