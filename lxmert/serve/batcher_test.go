package serve

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gated makes a fake model whose forwards wait for the test.
func gated() *fakeModel {
	return &fakeModel{gate: make(chan struct{}), entered: make(chan int, 100)}
}

// goPost sends a request in the background; its status (0 for a transport error) arrives
// on the returned channel.
func goPost(ctx context.Context, t *testing.T, url, body string) <-chan int {
	c := make(chan int, 1)
	go func() {
		code, resp, err := tryPost(ctx, url, body)
		if err != nil || code != http.StatusOK {
			t.Logf("%s: %d %v %v", body, code, resp, err)
		}
		c <- code
	}()
	return c
}

func q(s string) string { return fmt.Sprintf(`{"image_id": "img1", "question": %q}`, s) }

// A full queue answers 503 with Retry-After at once; the queued requests are still answered.
func TestQueueFull(t *testing.T) {
	m := gated()
	s, url, _ := startServer(t, Config{Queue: 2, MaxBatch: 1, MaxWait: -1}, m, fakeSource{})
	a := goPost(context.Background(), t, url, q("a"))
	require.Equal(t, 1, <-m.entered, "a is in the forward")
	b, c := goPost(context.Background(), t, url, q("b")), goPost(context.Background(), t, url, q("c"))
	waitFor(t, "b and c queued", func() bool { return s.batcher.depth.Load() == 2 })
	code, body, hdr := post(t, url, q("d"))
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "1", hdr.Get("Retry-After"))
	require.Contains(t, body["error"], "the queue is full (2 requests waiting)")
	close(m.gate)
	for _, ch := range []<-chan int{a, b, c} {
		require.Equal(t, http.StatusOK, <-ch)
	}
	require.Equal(t, 1.0, counter(t, url, "503"))
	require.Equal(t, 3.0, counter(t, url, "200"))
}

// A request not answered within the timeout gets 504, whether it waited in the queue or
// in a forward; a timed-out request still queued is dropped, not forwarded.
func TestTimeout(t *testing.T) {
	m := gated()
	_, url, _ := startServer(t, Config{Timeout: 150 * time.Millisecond, MaxBatch: 1, MaxWait: -1}, m, fakeSource{})
	a := goPost(context.Background(), t, url, q("a"))
	require.Equal(t, 1, <-m.entered)
	code, body, _ := post(t, url, q("b"))
	require.Equal(t, http.StatusGatewayTimeout, code)
	require.Contains(t, body["error"], "no answer within the timeout of 150ms")
	require.Equal(t, http.StatusGatewayTimeout, <-a)
	close(m.gate)
	code, _, _ = post(t, url, q("c"))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, [][]string{{"a"}, {"c"}}, m.forwards(), "b timed out in the queue: never forwarded")
	require.Equal(t, 2.0, counter(t, url, "504"))
}

// A client that disconnects cancels its request: it is dropped from the queue, counted as
// 499, and the server goes on.
func TestClientCancel(t *testing.T) {
	m := gated()
	s, url, _ := startServer(t, Config{MaxBatch: 1, MaxWait: -1}, m, fakeSource{})
	a := goPost(context.Background(), t, url, q("a"))
	require.Equal(t, 1, <-m.entered)
	ctx, cancel := context.WithCancel(context.Background())
	b := goPost(ctx, t, url, q("b"))
	waitFor(t, "b queued", func() bool { return s.batcher.depth.Load() == 1 })
	cancel()
	require.Equal(t, 0, <-b, "the client gave up")
	waitFor(t, "the server to see b go", func() bool { return counter(t, url, "499") == 1 })
	close(m.gate)
	require.Equal(t, http.StatusOK, <-a)
	code, _, _ := post(t, url, q("c"))
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, [][]string{{"a"}, {"c"}}, m.forwards(), "b was never forwarded")
}

// Requests that arrive within max-wait of the first share its forward; a full batch goes
// at once without waiting out max-wait; a lone request waits max-wait for company.
func TestBatchingWindow(t *testing.T) {
	m := &fakeModel{}
	_, url, _ := startServer(t, Config{MaxBatch: 4, MaxWait: 10 * time.Second}, m, fakeSource{})
	start := time.Now()
	var chans []<-chan int
	for i := range 4 {
		chans = append(chans, goPost(context.Background(), t, url, q(fmt.Sprint(i))))
	}
	for _, c := range chans {
		require.Equal(t, http.StatusOK, <-c)
	}
	require.Less(t, time.Since(start), 5*time.Second, "a full batch does not wait out max-wait")
	require.Len(t, m.forwards(), 1)
	require.ElementsMatch(t, []string{"0", "1", "2", "3"}, m.forwards()[0])

	m2 := &fakeModel{}
	_, url2, _ := startServer(t, Config{MaxBatch: 4, MaxWait: 200 * time.Millisecond}, m2, fakeSource{})
	start = time.Now()
	code, _, _ := post(t, url2, q("alone"))
	require.Equal(t, http.StatusOK, code)
	require.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "a lone request waits max-wait")
}

// With no wait, a forward takes whatever queued up during the previous one, up to
// max-batch, in arrival order.
func TestBatchingNoWait(t *testing.T) {
	m := gated()
	s, url, _ := startServer(t, Config{MaxBatch: 3, MaxWait: -1}, m, fakeSource{})
	var chans []<-chan int
	chans = append(chans, goPost(context.Background(), t, url, q("first")))
	require.Equal(t, 1, <-m.entered)
	for i := range 5 {
		chans = append(chans, goPost(context.Background(), t, url, q(fmt.Sprint(i))))
		waitFor(t, "queued in order", func() bool { return s.batcher.depth.Load() == int64(i+1) })
	}
	close(m.gate)
	for _, c := range chans {
		require.Equal(t, http.StatusOK, <-c)
	}
	require.Equal(t, [][]string{{"first"}, {"0", "1", "2"}, {"3", "4"}}, m.forwards())
}

// The batcher's queue never blocks a submitter and a closed batcher refuses jobs.
func TestBatcherClosed(t *testing.T) {
	b := newBatcher(2, 0, 1)
	b.start((&fakeModel{}).AskItems)
	b.close()
	b.close()
	require.ErrorIs(t, b.submit(&job{ctx: context.Background(), done: make(chan outcome, 1)}), errClosed)
}
