# The status benchmark's WebSocket subscribers (bench/status-endpoint.ts starts it).
#
# The default client, in Python because Node cannot read a socket's kernel
# receive timestamp (SO_TIMESTAMPNS): for each message, when its last byte
# arrived at the subscriber's socket (the kernel's clock, whatever the client
# process was doing then) and when the client read it. A read that returns
# several frames carries the arrival time of its last bytes, so a frame's
# arrival is never counted earlier than it was. Otherwise the same minimal
# client as the Node one: handshake, frames parsed in place, pongs.
# Arguments: port token subscribers updates budget-ms; JSON lines out; `report` in.
import base64, json, os, select, socket, struct, sys, time
port, token, n, updates, budget_ms = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
os.nice(19)  # the load generator takes only the CPU the server leaves; arrival times come from the kernel
SO_TIMESTAMPNS = 35  # Linux; SCM_TIMESTAMPNS has the same value
EQUITY, TKEY = b'{"type":"equity"', b'"t":'
def tell(m):
    sys.stdout.write(json.dumps(m) + "\n"); sys.stdout.flush()
auth = ("Authorization: Bearer %s\r\n" % token) if token else ""
socks, state, refused = {}, {}, 0
count, worst_arrival, worst_read, arrival, read = [0] * n, [0.0] * n, [0.0] * n, [], []
ep = select.epoll()
for first in range(0, n, 250):
    batch = []
    for i in range(first, min(n, first + 250)):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall(("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n"
                   % (port, key, auth)).encode())
        batch.append((i, s))
    for i, s in batch:
        buf = b""
        while b"\r\n\r\n" not in buf:
            d = s.recv(65536)
            if not d: break
            buf += d
        if not buf.startswith(b"HTTP/1.1 101"):
            refused += 1; s.close(); continue
        s.setblocking(False)
        socks[s.fileno()] = s
        state[s.fileno()] = [i, buf[buf.index(b"\r\n\r\n") + 4:]]
        ep.register(s.fileno(), select.EPOLLIN)
ep.register(sys.stdin.fileno(), select.EPOLLIN)
tell({"connected": len(socks)})
cpu0 = time.process_time()
running = True
while running:
    for fd, _ in ep.poll():
        if fd == sys.stdin.fileno():
            running = False; continue
        s = socks[fd]
        try:
            data, anc, _, _ = s.recvmsg(65536, 64)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        now = time.time() * 1000
        if not data:
            ep.unregister(fd); continue
        arrived = now
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", raw[:16]); arrived = sec * 1000 + nsec / 1e6
        st = state[fd]; i = st[0]
        buf = st[1] + data if st[1] else data
        at, size = 0, len(buf)
        while size - at >= 2:
            op, ln, h = buf[at] & 15, buf[at + 1] & 127, 2
            if ln == 126:
                if size - at < 4: break
                ln, h = int.from_bytes(buf[at + 2:at + 4], "big"), 4
            elif ln == 127:
                if size - at < 10: break
                ln, h = int.from_bytes(buf[at + 2:at + 10], "big"), 10
            if size - at < h + ln: break
            p = at + h
            if op == 1 and buf.startswith(EQUITY, p):
                k = buf.find(TKEY, p, p + ln)
                if k >= 0:
                    k += 4; e = k
                    while 48 <= buf[e] <= 57: e += 1
                    t = int(buf[k:e])
                    a, r = arrived - t, now - t
                    arrival.append(round(a, 2)); read.append(round(r, 2)); count[i] += 1
                    if a > worst_arrival[i]: worst_arrival[i] = a
                    if r > worst_read[i]: worst_read[i] = r
            elif op == 9:
                s.send(bytes([0x8A, 0x80 | ln, 0, 0, 0, 0]) + buf[p:p + ln])
            at = p + ln
        st[1] = buf[at:]
ok = [i for i in range(n) if count[i] == updates]
tell({"result": {"connected": len(socks), "refused": refused,
                 "underBudget": sum(1 for i in ok if worst_arrival[i] < budget_ms),
                 "underBudgetRead": sum(1 for i in ok if worst_read[i] < budget_ms),
                 "arrival": arrival, "read": read, "cpuMs": (time.process_time() - cpu0) * 1000}})
