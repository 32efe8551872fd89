package artifact

import "testing"

// The boot clock forms are system artifacts: uptime and /proc/stat by
// content, /proc/uptime (two decimals) only with its name or command.
func TestSniffBootClock(t *testing.T) {
	tests := []struct {
		name, data, nameHint, cmd string
		want                      Kind
	}{
		{"busybox uptime", " 07:41:09 up 40 min,  load average: 0.21, 0.12, 0.09\n", "", "", KindSystem},
		{"/proc/uptime in a bundle", "1052343.17 4015729.32\n", "node-1/proc/uptime", "", KindSystem},
		{"cat /proc/uptime", "1052343.17 4015729.32\n", "", "cat /proc/uptime", KindSystem},
		{"sosreport uptime link", " 10:02:03 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05\n", "sosreport-x/uptime", "", KindSystem},
		{"two decimals without a name", "1052343.17 4015729.32\n", "", "", KindUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.data), tt.nameHint, tt.cmd); got != tt.want {
				t.Errorf("Sniff = %s, want %s", got, tt.want)
			}
		})
	}
}
