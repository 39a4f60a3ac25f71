// Command stress runs the robustness workload of `make stress`: many eval forwards of a tiny
// and of the base model in one process each (resident memory must stay flat after warm-up),
// and goroutines running forwards on different inputs at once (each result must match its
// sequential one within the parity tolerance). Each phase runs in a child process, so a
// crash is counted instead of ending the run. The last line printed is one JSON object.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// result is what one phase reports (a child prints it as its last line).
type result struct {
	Phase         string  `json:"phase"`
	Forwards      int     `json:"forwards"`
	RSSBeforeMB   float64 `json:"rss_before_mb,omitempty"`
	RSSAfterMB    float64 `json:"rss_after_mb,omitempty"`
	RSSGrowthPct  float64 `json:"rss_growth_pct"`
	Mismatches    int     `json:"mismatches"`
	Crashes       int     `json:"crashes"`
	Seconds       float64 `json:"seconds"`
	LiveTensors   int64   `json:"live_tensors_after"`
	TensorCacheMB float64 `json:"tensor_cache_mb"`
}

type config struct {
	model                  string
	tiny, base, goroutines int
	each                   int
}

func main() {
	var c config
	child := flag.String("child", "", "run one phase (internal)")
	flag.StringVar(&c.model, "tiny-model", "tests/testdata/parity/tiny-qa", "tiny QA model folder")
	flag.IntVar(&c.tiny, "tiny-forwards", 10000, "eval forwards of the tiny model")
	flag.IntVar(&c.base, "base-forwards", 1000, "eval forwards of the base model (random weights)")
	flag.IntVar(&c.goroutines, "goroutines", 8, "concurrent goroutines")
	flag.IntVar(&c.each, "per-goroutine", 200, "forwards per goroutine")
	flag.Parse()
	if *child != "" {
		r, err := runPhase(*child, c)
		if err != nil {
			fmt.Fprintf(os.Stderr, "stress %s: %v\n", *child, err)
			os.Exit(1)
		}
		line, _ := json.Marshal(r)
		fmt.Println(string(line))
		return
	}
	total := result{Phase: "all"}
	for _, phase := range []string{"tiny", "base", "concurrent"} {
		r := spawn(phase)
		fmt.Printf("%s: %d forwards in %.0f s, RSS %.1f -> %.1f MB (%+.2f%%), %d mismatches, %d crashes, %d live tensors after, tensor cache %.0f MB\n",
			phase, r.Forwards, r.Seconds, r.RSSBeforeMB, r.RSSAfterMB, r.RSSGrowthPct, r.Mismatches, r.Crashes, r.LiveTensors, r.TensorCacheMB)
		total.Forwards += r.Forwards
		total.Mismatches += r.Mismatches
		total.Crashes += r.Crashes
		total.Seconds += r.Seconds
		total.RSSGrowthPct = max(total.RSSGrowthPct, r.RSSGrowthPct)
	}
	line, _ := json.Marshal(map[string]any{"forwards": total.Forwards, "rss_growth_pct": total.RSSGrowthPct,
		"mismatches": total.Mismatches, "crashes": total.Crashes, "seconds": total.Seconds})
	fmt.Println(string(line))
	if total.RSSGrowthPct >= 5 || total.Mismatches > 0 || total.Crashes > 0 {
		os.Exit(1)
	}
}

// spawn runs one phase in a child process; a child that dies without its JSON line is a crash.
func spawn(phase string) result {
	args := append([]string{"-child", phase}, os.Args[1:]...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var r result
	if jerr := json.Unmarshal([]byte(lines[len(lines)-1]), &r); jerr != nil || err != nil {
		fmt.Fprintf(os.Stderr, "stress: phase %s failed: %v\n", phase, err)
		return result{Phase: phase, Crashes: 1}
	}
	return r
}
