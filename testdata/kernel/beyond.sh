#!/bin/bash
# Captures beyond TCP on a real kernel, in three namespaces:
#   bcli 10.9.1.2 -- brtr 10.9.1.1 | 10.9.2.1 -- bsrv 10.9.2.2
# reject:  brtr REJECTs tcp/8080 with icmp-admin-prohibited      -> reject-admin.pcap (on bcli)
# pmtu:    brtr's link towards bcli has MTU 1300, brtr drops the
#          ICMP frag-needed it would send; bsrv streams 20 kB     -> pmtu-srv.pcap (on bsrv)
# Usage: OUT=DIR ./beyond.sh   (root, iptables, tcpdump, python3)
set -e
OUT=${OUT:-.}
for n in bcli brtr bsrv; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
ip link add bc0 type veth peer name br0
ip link add bs0 type veth peer name br1
ip link set bc0 netns bcli; ip link set br0 netns brtr; ip link set br1 netns brtr; ip link set bs0 netns bsrv
ip -n bcli addr add 10.9.1.2/24 dev bc0; ip -n bcli link set bc0 up; ip -n bcli route add default via 10.9.1.1
ip -n brtr addr add 10.9.1.1/24 dev br0; ip -n brtr link set br0 up
ip -n brtr addr add 10.9.2.1/24 dev br1; ip -n brtr link set br1 up
ip -n bsrv addr add 10.9.2.2/24 dev bs0; ip -n bsrv link set bs0 up; ip -n bsrv route add default via 10.9.2.1
ip netns exec brtr sysctl -qw net.ipv4.ip_forward=1
ip netns exec bsrv sysctl -qw net.ipv4.tcp_mtu_probing=0
for n in bcli brtr bsrv; do for i in $(ip -n $n -o link | awk -F': ' '{print $2}' | cut -d@ -f1); do ip netns exec $n ethtool -K $i gro off gso off tso off 2>/dev/null || true; done; done

# reject
ip netns exec brtr iptables -A FORWARD -p tcp --dport 8080 -j REJECT --reject-with icmp-admin-prohibited
ip netns exec bcli tcpdump -i bc0 -s 256 -w $OUT/reject-admin.pcap -U 2>/dev/null & TD=$!
sleep 1
for i in 1 2 3; do ip netns exec bcli python3 -c 'import socket; s=socket.socket(); s.settimeout(2)
try: s.connect(("10.9.2.2", 8080))
except Exception as e: print("connect:", e)'; done
sleep 1; kill $TD; wait $TD 2>/dev/null || true

# pmtu black hole
ip -n brtr link set br0 mtu 1300
ip netns exec brtr iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
ip netns exec bsrv python3 -c '
import socket
l=socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("10.9.2.2", 8443)); l.listen(1)
c,_=l.accept(); c.recv(100); c.sendall(b"x"*20000)
import time; time.sleep(8)' & SRV=$!
ip netns exec bsrv tcpdump -i bs0 -s 128 -w $OUT/pmtu-srv.pcap -U 2>/dev/null & TD=$!
sleep 1
ip netns exec bcli python3 -c '
import socket
s=socket.create_connection(("10.9.2.2", 8443)); s.settimeout(6); s.sendall(b"GET / HTTP/1.0\r\n\r\n")
try: print("got", len(s.recv(65536)))
except Exception as e: print("recv:", e)'
sleep 2; kill $TD; wait $TD 2>/dev/null || true; kill $SRV 2>/dev/null || true
ip netns exec brtr iptables -L -v -n | grep -E 'REJECT|DROP' || true
for n in bcli brtr bsrv; do ip netns del $n; done
