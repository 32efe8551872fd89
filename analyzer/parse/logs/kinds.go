package logs

// EventKinds lists every event kind the log parser produces, so that a rule
// naming a kind that can never occur is rejected when it loads.
var EventKinds = []string{
	KindIptablesLog, KindIPVSDelService, KindIPVSAddService, KindIPVSEditService, KindIPVSDest,
	KindKeepalivedRemove, KindKeepalivedAdd, KindKeepalivedFail, KindKeepalivedOK, KindKeepalivedQuorum,
	KindVRRPState, KindVRRPVIP, KindVRRPScript, KindConntrackFull, KindSynFlood, KindTimeWaitOverflow,
	KindNeighbourOverflow, KindNetdevWatchdog, KindTCPOutOfMemory, KindTCPOrphans, KindNetRatelimit,
	KindKeepalivedConfig,
	KindOverMTU, KindUnregisterWait, KindLinkDown, KindLinkUp,
}
