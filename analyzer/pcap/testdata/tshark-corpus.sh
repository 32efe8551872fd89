#!/bin/sh
# Writes tshark-corpus.tsv: what tshark decodes in the public DNS and ICMP
# captures, the expected values of TestCorpusAgreesWithTshark. Run it from
# this directory with tshark installed; the test itself needs no tshark.
#   columns: file, frame, kind (dns|icmp), then
#   dns:  is-response, id, rcode, qname, qtype, truncated, response-to-frame
#   icmp: type, code, next-hop MTU
set -e
corpus=${CORPUS:-corpus}
out=tshark-corpus.tsv
: > $out
for f in chrissanders__dns_query_nonexistent.pcapng chrissanders__dns_query_response.pcapng \
	chrissanders__dns_recursivequery_server.pcapng chrissanders__dns_tcp.pcapng \
	chrissanders__stranded_branchdns.pcapng chrissanders__icmp_echo.pcapng \
	chrissanders__icmp_traceroute.pcapng; do
	tshark -r "$corpus/$f" -Y dns -T fields -E separator=/t \
		-e frame.number -e dns.flags.response -e dns.id -e dns.flags.rcode -e dns.qry.name -e dns.qry.type \
		-e dns.flags.truncated -e dns.response_to |
		awk -F'\t' -v f="$f" 'BEGIN{OFS="\t"} {print f, $1, "dns", $2, $3, $4, $5, $6, $7, $8}' >> $out
	tshark -r "$corpus/$f" -Y 'icmp || icmpv6' -T fields -E separator=/t \
		-e frame.number -e icmp.type -e icmp.code -e icmp.mtu |
		awk -F'\t' -v f="$f" 'BEGIN{OFS="\t"} {print f, $1, "icmp", $2, $3, $4}' >> $out
done
