#!/bin/bash
mode=${1:-ahead}
cd ${KERN_DIR:-/tmp/kern} && rm -f cport *.pcap
./setup.sh
ip netns exec nat tcpdump -i any -w ${KERN_DIR:-/tmp/kern}/nat-any.pcap -U -s 256 tcp 2>/dev/null &
T1=$!
ip netns exec cli tcpdump -i c0 -w ${KERN_DIR:-/tmp/kern}/cli.pcap -U -s 256 tcp 2>/dev/null &
T2=$!
sleep 1
ip netns exec srv python3 server.py &
sleep 0.3
ip netns exec srv python3 inject.py $mode &
I=$!
ip netns exec cli python3 client.py &
C=$!
wait $I
wait $C
sleep 0.5
kill $T1 $T2; sleep 0.3
ip netns exec nat conntrack -S 2>/dev/null | head -2
ls -la ${KERN_DIR:-/tmp/kern}/*.pcap
