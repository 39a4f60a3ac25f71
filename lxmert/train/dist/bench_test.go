package dist

import (
	"sync"
	"testing"
	"time"

	"github.com/lxmert-go/golxmert/binding"
)

// BenchmarkAllReduceBaseGradients all-reduces the gradient volume of LXMERT-base's QA model
// (213,930,297 float32: 855.7 MB, in DDP's 25 MB buckets, all in flight at once as the
// reducer launches them) between two ranks on loopback, and reports the effective bus
// bandwidth (a ring moves 2(N-1)/N of the data per rank).
//
//	go test -run '^$' -bench AllReduceBaseGradients -benchtime 3x ./lxmert/train/dist
func BenchmarkAllReduceBaseGradients(b *testing.B) {
	const params, bucket = 213930297, 25 << 20 / 4
	port := freePort(b)
	var wg sync.WaitGroup
	elapsed := make([]time.Duration, 2)
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			g, err := Join(Config{Rank: r, WorldSize: 2, LocalWorldSize: 2, MasterAddr: "127.0.0.1", MasterPort: port, Timeout: 5 * time.Minute})
			if err != nil {
				b.Error(err)
				return
			}
			defer g.Close()
			s := binding.NewScope()
			defer s.Close()
			var ts []binding.Tensor
			for left := params; left > 0; left -= bucket {
				ts = append(ts, s.Ones(binding.Float32, int64(min(left, bucket))))
			}
			if err := s.Err(); err != nil {
				b.Error(err)
				return
			}
			if err := g.Barrier(); err != nil {
				b.Error(err)
				return
			}
			if r == 0 {
				b.ResetTimer()
			}
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := g.AllReduce(binding.ReduceOpSum, ts...); err != nil {
					b.Error(err)
					return
				}
			}
			elapsed[r] = time.Since(start)
			if r == 0 {
				b.StopTimer()
			}
		}(r)
	}
	wg.Wait()
	per := elapsed[0].Seconds() / float64(b.N)
	b.ReportMetric(per*1000, "ms/allreduce")
	b.ReportMetric(2*(2-1)/2.0*params*4/per/1e9, "busGB/s")
}
