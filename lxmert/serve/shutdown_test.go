package serve

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Shutdown with requests in flight loses none: /readyz turns 503 while the server keeps
// answering for the drain delay, then the listener closes, then every request that was
// in (in the forward or queued) is answered, and Serve returns nil.
func TestShutdownLosesNone(t *testing.T) {
	m := gated()
	s, url, stop := startServer(t, Config{MaxBatch: 2, MaxWait: -1, DrainDelay: 300 * time.Millisecond}, m, fakeSource{})
	var chans []<-chan int
	chans = append(chans, goPost(context.Background(), t, url, q("in the forward")))
	require.Equal(t, 1, <-m.entered)
	for i := range 5 {
		chans = append(chans, goPost(context.Background(), t, url, q(fmt.Sprint("queued ", i))))
	}
	waitFor(t, "five queued", func() bool { return s.batcher.depth.Load() == 5 })

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	waitFor(t, "draining", s.Draining)
	resp, err := http.Get(url + "/readyz")
	require.NoError(t, err, "still accepting during the drain delay")
	code, body, _ := decode(t, resp)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "draining", body["status"])
	resp, err = http.Get(url + "/healthz")
	require.NoError(t, err)
	code, _, _ = decode(t, resp)
	require.Equal(t, http.StatusOK, code, "alive while draining")

	addr := strings.TrimPrefix(url, "http://")
	waitFor(t, "the listener to close", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-stopped:
		t.Fatalf("Serve returned (%v) with requests in flight", err)
	default:
	}
	close(m.gate)
	for _, c := range chans {
		require.Equal(t, http.StatusOK, <-c)
	}
	require.NoError(t, <-stopped)
	n := 0
	for _, b := range m.forwards() {
		n += len(b)
	}
	require.Equal(t, 6, n)
}

// Requests still in flight when the drain timeout ends are cut off, and Serve says so; the
// queued ones are not forwarded once the model may be freed.
func TestShutdownDrainTimeout(t *testing.T) {
	m := gated()
	s, url, stop := startServer(t, Config{MaxBatch: 1, MaxWait: -1, DrainTimeout: 200 * time.Millisecond}, m, fakeSource{})
	a := goPost(context.Background(), t, url, q("a"))
	require.Equal(t, 1, <-m.entered)
	b := goPost(context.Background(), t, url, q("b"))
	waitFor(t, "b queued", func() bool { return s.batcher.depth.Load() == 1 })
	go func() {
		time.Sleep(600 * time.Millisecond)
		close(m.gate)
	}()
	err := stop()
	require.ErrorContains(t, err, "drain timeout 200ms: requests still in flight were cut off")
	require.NotEqual(t, http.StatusOK, <-a)
	require.NotEqual(t, http.StatusOK, <-b)
	require.Equal(t, [][]string{{"a"}}, m.forwards())
}
