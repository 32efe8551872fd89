package logs

import (
	"encoding/json"
	"regexp"
	"strconv"
	"time"
)

// journalEntry is the part of a `journalctl -o json` record the parser
// reads. MESSAGE is a string, or an array of bytes when it is not valid
// UTF-8; the other fields are strings.
type journalEntry struct {
	Realtime   string          `json:"__REALTIME_TIMESTAMP"`
	Hostname   string          `json:"_HOSTNAME"`
	Identifier string          `json:"SYSLOG_IDENTIFIER"`
	Comm       string          `json:"_COMM"`
	PID        string          `json:"_PID"`
	Message    json.RawMessage `json:"MESSAGE"`
}

// parseJournalJSON reads one line of `journalctl -o json` (or json-seq
// without its separator): the time in microseconds since the epoch, the
// host, the program and the message.
func (p *parser) parseJournalJSON(h *head, s string) {
	var e journalEntry
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		h.msg = s
		return
	}
	if us, err := strconv.ParseInt(e.Realtime, 10, 64); err == nil && us > 0 {
		h.ts, h.t = tsFull, time.UnixMicro(us).UTC()
	}
	h.host = e.Hostname
	h.program = e.Identifier
	if h.program == "" {
		h.program = e.Comm
	}
	h.pid, _ = strconv.Atoi(e.PID)
	var msg string
	if err := json.Unmarshal(e.Message, &msg); err != nil {
		var raw []byte
		if json.Unmarshal(e.Message, &raw) == nil {
			msg = string(raw)
		}
	}
	h.msg = msg
}

// facilityLevel is syslog's "facility.level" as logread and some syslog
// templates print it.
var facilityLevel = regexp.MustCompile(`^(kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\.(emerg|alert|crit|err|warn|warning|notice|info|debug)$`)

func isFacilityLevel(s string) bool { return len(s) < 20 && facilityLevel.MatchString(s) }
