package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// serveChild is a `lxmert serve` process this one started on loopback (load tests, tests).
type serveChild struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed when the process has ended; err then holds Wait's result
	err    error
	mu     sync.Mutex
	tail   []string // its last log lines, for error messages
	lines  int
	asked  int // requests to /v1/answer it logged (answered or not)
}

// startServeChild runs `bin serve --addr 127.0.0.1:0 --log-format json args...`, reads the
// address it logs, and waits until /readyz answers 200 (at most ready).
func startServeChild(bin string, args []string, ready time.Duration) (*serveChild, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	cmd.SysProcAttr = childAttrs()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &serveChild{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		c.scan(stderr, addr)
	}()
	go func() {
		<-scanned // Wait closes the pipe: read it to the end first
		c.err = cmd.Wait()
		close(c.exited)
	}()
	deadline := time.After(ready)
	select {
	case a := <-addr:
		c.url = "http://" + a
	case <-c.exited:
		return nil, fmt.Errorf("lxmert serve exited before listening (%v): %s", c.err, c.logTail())
	case <-deadline:
		c.kill()
		return nil, fmt.Errorf("lxmert serve did not listen within %s: %s", ready, c.logTail())
	}
	for {
		resp, err := http.Get(c.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-c.exited:
			return nil, fmt.Errorf("lxmert serve exited before it was ready (%v): %s", c.err, c.logTail())
		case <-deadline:
			c.kill()
			return nil, fmt.Errorf("lxmert serve was not ready within %s: %s", ready, c.logTail())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// scan reads the child's JSON log lines, sends the "listening" address, keeps the last few.
func (c *serveChild) scan(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var rec struct{ Msg, Addr, Path string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" && rec.Addr != "" {
			select {
			case addr <- rec.Addr:
			default:
			}
		}
		c.mu.Lock()
		if rec.Msg == "request" && rec.Path == "/v1/answer" {
			c.asked++
		}
		c.lines++
		c.tail = append(c.tail, sc.Text())
		if len(c.tail) > 20 {
			c.tail = c.tail[1:]
		}
		c.mu.Unlock()
	}
}

// logTail is the child's last log lines on one line.
func (c *serveChild) logTail() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, " | ")
}

// answerRequests is the number of /v1/answer requests the child has logged.
func (c *serveChild) answerRequests() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asked
}

// stop sends sig and waits (at most limit) for the child to exit 0.
func (c *serveChild) stop(sig os.Signal, limit time.Duration) error {
	if err := c.cmd.Process.Signal(sig); err != nil {
		return err
	}
	select {
	case <-c.exited:
	case <-time.After(limit):
		c.kill()
		return fmt.Errorf("lxmert serve did not exit within %s of %v", limit, sig)
	}
	if c.err != nil {
		return fmt.Errorf("lxmert serve after %v: %w: %s", sig, c.err, c.logTail())
	}
	return nil
}

// kill ends the child at once (on a failure path) and waits for it.
func (c *serveChild) kill() {
	if err := c.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return
	}
	<-c.exited
}
