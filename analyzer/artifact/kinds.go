package artifact

// Kinds lists every artifact kind, in the order of DESIGN.md's vocabulary.
// Rule validation checks the kinds a rule names against it.
var Kinds = []Kind{KindSysctl, KindCounters, KindIptables, KindNftables, KindIPVS, KindSockets,
	KindAddresses, KindRoutes, KindConntrack, KindLog, KindKeepalived, KindInterfaces, KindResolver, KindSystem, KindProcesses,
	KindPcap, KindUnknown}
