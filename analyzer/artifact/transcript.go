package artifact

import (
	"regexp"
	"strings"
)

// Shell prompts as they appear in pasted terminal sessions. Each pattern
// captures the host (when the prompt shows one) and the command.
var (
	// [root@node-1 ~]# cmd      [user@host dir]$ cmd
	promptBracket = regexp.MustCompile(`^\s*\[[^\]@\s]+@([^\]\s]+)(?:\s[^\]]*)?\]\s?[#$]\s?(.*)$`)
	// root@node-1:~# cmd        (venv) user@host:/path$ cmd
	promptUserHost = regexp.MustCompile(`^\s*(?:\(\S+\)\s+)?[A-Za-z0-9_.-]+@([A-Za-z0-9_.-]+):[~/][^#$\s]*\s?[#$]\s?(.*)$`)
	// node-1:~# cmd
	promptHostDir = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9_.-]*):(?:~[^#$\s]*|/[^/#$\s][^#$\s]*|/)\s?[#$]\s(.*)$`)
	// sh-4.2# cmd               bash-5.1$ cmd
	// user@host dir $ cmd (Gentoo, Container Linux / CoreOS, Flatcar).
	promptUserHostSpace = regexp.MustCompile(`^\s*[A-Za-z0-9_.-]+@([A-Za-z0-9_.-]+)\s+(?:~\S*|/\S*)\s+[#$]\s(.*)$`)
	promptShell         = regexp.MustCompile(`^\s*(?:sh|bash|zsh|ash|dash|ksh)-\d+(?:\.\d+)*[#$]\s?(.*)$`)
	// # cmd                     $ cmd      (only with a known command)
	promptBare = regexp.MustCompile(`^\s*[#$]\s+(\S.*)$`)

	codeFence = regexp.MustCompile("^\\s*(```|~~~)")
)

// prompt is one prompt line of a transcript.
type prompt struct {
	line    int // 0-based index into the lines
	host    string
	command string
}

// matchPrompt recognises a prompt line.
func matchPrompt(line string) (prompt, bool) {
	if m := promptBracket.FindStringSubmatch(line); m != nil {
		return prompt{host: m[1], command: strings.TrimSpace(m[2])}, true
	}
	if m := promptUserHost.FindStringSubmatch(line); m != nil {
		return prompt{host: m[1], command: strings.TrimSpace(m[2])}, true
	}
	if m := promptUserHostSpace.FindStringSubmatch(line); m != nil && plausibleBareCommand(m[2]) {
		return prompt{host: m[1], command: strings.TrimSpace(m[2])}, true
	}
	if m := promptShell.FindStringSubmatch(line); m != nil {
		return prompt{command: strings.TrimSpace(m[1])}, true
	}
	if m := promptHostDir.FindStringSubmatch(line); m != nil && plausibleBareCommand(m[2]) {
		return prompt{host: m[1], command: strings.TrimSpace(m[2])}, true
	}
	if m := promptBare.FindStringSubmatch(line); m != nil && plausibleBareCommand(m[1]) {
		return prompt{command: strings.TrimSpace(m[1])}, true
	}
	return prompt{}, false
}

// piece is the output of one command of a transcript (or the text before
// the first prompt, with an empty command).
type piece struct {
	index   int // 1-based command number, 0 for text before the first prompt
	host    string
	command string
	data    []byte
	line0   int // lines of the input before the piece's first line
}

// splitTranscript splits normalised text at its prompt lines. It returns
// nil when the text has no prompt. Pieces without output are dropped.
func splitTranscript(text []byte) []piece {
	lines := strings.Split(string(text), "\n")
	var prompts []prompt
	for i, l := range lines {
		if len(l) > 4096 {
			continue // no one types a 4 KB command; a long line is output
		}
		if p, ok := matchPrompt(l); ok {
			p.line = i
			prompts = append(prompts, p)
		}
	}
	if len(prompts) == 0 {
		return nil
	}
	var pieces []piece
	if first := prompts[0].line; first > 0 {
		if p, ok := makePiece(lines, 0, first, false); ok {
			pieces = append(pieces, p)
		}
	}
	for n, pr := range prompts {
		end := len(lines)
		if n+1 < len(prompts) {
			end = prompts[n+1].line
		}
		if pr.command == "" {
			continue
		}
		p, ok := makePiece(lines, pr.line+1, end, true)
		if !ok {
			continue
		}
		p.index, p.host, p.command = n+1, pr.host, pr.command
		pieces = append(pieces, p)
	}
	return pieces
}

// makePiece cuts lines[from:to] down to the command output: it stops at a
// closing Markdown code fence (what follows is prose of the ticket) and
// drops blank lines around the output.
func makePiece(lines []string, from, to int, stopAtFence bool) (piece, bool) {
	if stopAtFence {
		if from < to && codeFence.MatchString(lines[from]) {
			from++ // an opening fence right under the prompt
		}
		for i := from; i < to; i++ {
			if codeFence.MatchString(lines[i]) {
				to = i
				break
			}
		}
	}
	for from < to && strings.TrimSpace(lines[from]) == "" {
		from++
	}
	for to > from && strings.TrimSpace(lines[to-1]) == "" {
		to--
	}
	if from >= to {
		return piece{}, false
	}
	data := strings.Join(lines[from:to], "\n") + "\n"
	return piece{data: []byte(data), line0: from}, true
}

// procSysValue turns the output of "cat /proc/sys/KEY" into a sysctl line,
// so a pasted single value is not lost for want of its key.
func procSysValue(command string, output []byte) ([]byte, bool) {
	toks := tokenize(command)
	if len(toks) != 2 || toks[0].text != "cat" || !strings.HasPrefix(toks[1].text, "/proc/sys/") {
		return nil, false
	}
	value := strings.TrimRight(string(output), "\n")
	if value == "" || strings.Contains(value, "\n") {
		return nil, false
	}
	return []byte(sysctlKey(toks[1].text) + " = " + value + "\n"), true
}
