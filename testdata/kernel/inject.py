# Sniff the server's last segment to the client and send a segment from the
# server's real address far beyond the client's window.
import socket, struct, sys, time
import os
while not os.path.exists("/tmp/kern/cport"):
    time.sleep(0.01)
time.sleep(0.05)
cport = int(open("/tmp/kern/cport").read())
sn = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
sn.bind(("s0", 0)); sn.settimeout(0.2)
last = None
t0 = time.time()
while time.time() - t0 < 3.2:
    try:
        f = sn.recv(65535)
    except socket.timeout:
        continue
    if f[12:14] != b"\x08\x00": continue
    ip = f[14:]
    ihl = (ip[0] & 15) * 4
    src = socket.inet_ntoa(ip[12:16]); 
    tcp = ip[ihl:]
    sp, dp, seq, ack = struct.unpack("!HHII", tcp[:12])
    if src == "10.0.2.2" and sp == 8080 and dp == cport:
        plen = struct.unpack("!H", ip[2:4])[0] - ihl - (tcp[12] >> 4) * 4
        last = (seq + plen, ack)
print("last", last)
seq, ack = last
mode = sys.argv[1] if len(sys.argv) > 1 else "ahead"
if mode == "ahead":
    seq = seq + 5_000_000
else:
    seq = seq - 5_000_000
payload = b"y" * 100
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
src, dst = socket.inet_aton("10.0.2.2"), socket.inet_aton("10.0.1.2")
tcph = struct.pack("!HHIIBBHHH", 8080, cport, seq & 0xffffffff, ack, 5 << 4, 0x18, 502, 0, 0)
pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcph) + len(payload))
tcph = tcph[:16] + struct.pack("!H", csum(pseudo + tcph + payload)) + tcph[18:]
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
r.sendto(tcph + payload, ("10.0.1.2", 0))
print("injected", mode, seq)
