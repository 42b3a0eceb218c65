package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"qmdesk/data"
)

// DefaultProgressEvery is how often a long command prints a progress line
// when stderr is not a terminal (Env.ProgressEvery when that is zero).
const DefaultProgressEvery = 5 * time.Second

// liveProgress shows on stderr that a long command is moving. On a
// terminal it redraws one line in place (\r) as the work moves. When
// stderr is not a terminal (a log file, a scheduled task, a pipe) a
// redrawn line would be one long run of \r-joined text shown only at the
// end: instead a goroutine prints a plain line every `every` while a step
// runs, saying the Thai time of day, what is being done, how far it is
// and for how long. Every
// write to stderr during the command goes through the same lock (out).
type liveProgress struct {
	tty   bool
	every time.Duration

	mu    sync.Mutex
	w     io.Writer // the real stderr
	what  string    // the step running, "" when none
	how   string    // how far it is ("อ่านแล้ว 12,000 แถว"), "" when unknown
	since time.Time // when the step began
	drawn int       // terminal: runes of the line on screen, 0 when none
	last  time.Time // terminal: when the line was last drawn

	stop chan struct{}
	done chan struct{}
}

// isTerminal tells whether w is a terminal (a console on Windows).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// startProgress starts showing progress on stderr for the rest of the
// command; c.env.Stderr is replaced by a writer that takes the progress's
// lock, so that a line printed meanwhile is never cut by a progress line.
// The returned function stops it (and puts stderr back); it must be
// called before the command returns.
func (c *command) startProgress() func() {
	p := &liveProgress{tty: isTerminal(c.env.Stderr), every: c.env.ProgressEvery, w: c.env.Stderr}
	if p.every <= 0 {
		p.every = DefaultProgressEvery
	}
	orig := c.env.Stderr
	c.env.Stderr = p.out()
	c.live = p
	if !p.tty {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go p.tick()
	}
	return func() {
		p.step("")
		if p.stop != nil {
			close(p.stop)
			<-p.done
		}
		c.env.Stderr, c.live = orig, nil
	}
}

// tick prints the plain line every p.every while a step runs.
func (p *liveProgress) tick() {
	defer close(p.done)
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			p.mu.Lock()
			if p.what != "" {
				p.printLine(now)
			}
			p.mu.Unlock()
		}
	}
}

// elapsed writes a duration in whole seconds, as a clerk reads it.
func elapsed(d time.Duration) string {
	s := int(d / time.Second)
	if s < 60 {
		return fmt.Sprintf("%d วินาที", s)
	}
	return fmt.Sprintf("%d นาที %d วินาที", s/60, s%60)
}

// step begins a step (what: "กำลังตรวจไฟล์ a.xlsx"); "" ends the one
// running. On a terminal the line is drawn at once, or cleared.
func (p *liveProgress) step(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.how, p.since = what, "", time.Now()
	if p.tty {
		p.draw(true)
	}
}

// finish ends the running step leaving its last state as a line of its
// own (a backup's "100%"): on a terminal the line drawn stays, otherwise
// it is printed as a plain line at once.
func (p *liveProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.what != "" {
		if p.tty {
			p.draw(true)
			fmt.Fprintln(p.w)
			p.drawn = 0
		} else {
			p.printLine(time.Now())
		}
	}
	p.what, p.how = "", ""
}

// printLine prints the plain line of the running step (p.mu held).
func (p *liveProgress) printLine(now time.Time) {
	line := p.what
	if p.how != "" {
		line += " " + p.how
	}
	fmt.Fprintf(p.w, "%s %s (ผ่านไป %s)\n", now.In(data.ThaiTime).Format("15:04:05"), line, elapsed(now.Sub(p.since)))
}

// count says how far the running step is ("อ่านแล้ว 12,000 แถว"). On a
// terminal the line is redrawn, at most ten times a second.
func (p *liveProgress) count(how string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.how = how
	if p.tty {
		p.draw(false)
	}
}

// draw redraws the terminal's line (p.mu held): blanks over what was
// there, then the step, or nothing when no step runs.
func (p *liveProgress) draw(now bool) {
	if !now && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	line := p.what
	if p.how != "" {
		line += " " + p.how
	}
	n := len([]rune(line))
	pad := ""
	if p.drawn > n {
		pad = strings.Repeat(" ", p.drawn-n)
	}
	switch {
	case line != "":
		fmt.Fprintf(p.w, "\r%s%s", line, pad)
		p.drawn = n
	case p.drawn > 0:
		fmt.Fprintf(p.w, "\r%s\r", pad)
		p.drawn = 0
	}
}

// out is stderr for the command while progress shows: a write takes the
// lock, and on a terminal first clears the progress line so that the text
// starts at the left; the line is drawn again at the next count.
func (p *liveProgress) out() io.Writer { return lockedWriter{p} }

type lockedWriter struct{ p *liveProgress }

func (l lockedWriter) Write(b []byte) (int, error) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	if l.p.tty && l.p.drawn > 0 {
		fmt.Fprintf(l.p.w, "\r%s\r", strings.Repeat(" ", l.p.drawn))
		l.p.drawn = 0
	}
	return l.p.w.Write(b)
}
