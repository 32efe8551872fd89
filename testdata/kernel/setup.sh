#!/bin/bash
# cli (10.0.1.2) -- nat (10.0.1.1 | 10.0.2.1, DNAT 10.0.3.3:80 -> 10.0.2.2:8080) -- srv (10.0.2.2)
set -e
for n in cli nat srv; do ip netns del $n 2>/dev/null || true; ip netns add $n; ip -n $n link set lo up; done
ip link add c0 type veth peer name n0
ip link add s0 type veth peer name n1
ip link set c0 netns cli; ip link set n0 netns nat; ip link set n1 netns nat; ip link set s0 netns srv
ip -n cli addr add 10.0.1.2/24 dev c0; ip -n cli link set c0 up; ip -n cli route add default via 10.0.1.1
ip -n nat addr add 10.0.1.1/24 dev n0; ip -n nat link set n0 up
ip -n nat addr add 10.0.2.1/24 dev n1; ip -n nat link set n1 up
ip -n srv addr add 10.0.2.2/24 dev s0; ip -n srv link set s0 up; ip -n srv route add default via 10.0.2.1
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=0 2>/dev/null || true
ip netns exec nat iptables -t nat -A PREROUTING -d 10.0.3.3 -p tcp --dport 80 -j DNAT --to-destination 10.0.2.2:8080
for n in cli nat srv; do for i in $(ip -n $n -o link | awk -F': ' '{print $2}' | cut -d@ -f1); do ip netns exec $n ethtool -K $i gro off gso off tso off 2>/dev/null || true; done; done
echo setup ok
