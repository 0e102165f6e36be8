// Command localcloud runs the local cloud on loopback until interrupted:
//
//	go run ./internal/localcloud/cmd/localcloud -hss-events 500
//
// It prints the environment that points the provider at it.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0: any free port)")
	tcssEvents := flag.Int("tcss-events", 50, "generated TCSS events (ids evt-00001...), besides the reference example 5202566")
	hssEvents := flag.Int("hss-events", 500, "generated HSS events over the last 30 days, besides the reference example")
	hssShape := flag.String("hss-shape", "mixed", "generated HSS events: mixed (3 in 7 sparse, as real data), full (every field) or sparse (most optional fields absent)")
	quota := flag.Int("tcss-quota", 20, "TCSS requests per second before RequestLimitExceeded (negative: none)")
	hssQuota := flag.Int("hss-quota", 0, "HSS requests per second before HTTP 429 APIGW.0308 (0: none)")
	cmdLine := flag.Int("hss-cmdline-bytes", 0, "pad the process_cmdline of every HSS event served to this many bytes (0: as generated)")
	latency := flag.Duration("latency", 0, "latency added to every request of both clouds")
	jitter := flag.Duration("jitter", 0, "random latency added on top of -latency, up to this much")
	urlFile := flag.String("url-file", "", "write the server's URL to this file once it listens")
	logFile := flag.String("log", "", "append the request log, JSON lines, to this file ('-' for stdout)")
	flag.Parse()

	var requestLog io.Writer
	switch *logFile {
	case "":
	case "-":
		requestLog = os.Stdout
	default:
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			log.Fatal(err)
		}
		defer func() { _ = f.Close() }()
		requestLog = f
	}

	shape, ok := map[string]localcloud.Shape{"mixed": localcloud.ShapeMixed, "full": localcloud.ShapeFull, "sparse": localcloud.ShapeSparse}[*hssShape]
	if !ok {
		log.Fatalf("-hss-shape must be mixed, full or sparse, not %q", *hssShape)
	}
	srv, err := localcloud.StartOn(*listen, localcloud.Config{
		TencentQuota: *quota, HuaweiQuota: *hssQuota, HSSCmdLineBytes: *cmdLine, TCSSEvents: *tcssEvents, HSSEvents: *hssEvents, HSSShape: shape, Log: requestLog,
	})
	if err != nil {
		log.Fatal(err)
	}
	if *latency > 0 || *jitter > 0 {
		for _, c := range []localcloud.Cloud{localcloud.Tencent, localcloud.Huawei} {
			srv.SetFaults(c, localcloud.Faults{Latency: *latency, Jitter: *jitter})
		}
	}
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(srv.URL()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, `local cloud listening on %[1]s (Ctrl-C stops it). Point the provider at it:

export TENCENTCLOUD_SECRET_ID=%[2]s TENCENTCLOUD_SECRET_KEY=%[3]s TENCENTCLOUD_TCSS_ENDPOINT=%[1]s
export HW_ACCESS_KEY=%[4]s HW_SECRET_KEY=%[5]s HW_PROJECT_ID=%[6]s HW_REGION_NAME=cn-north-4 HW_HSS_ENDPOINT=%[1]s
`, srv.URL(), localcloud.TencentSecretID, localcloud.TencentSecretKey,
		localcloud.HuaweiAccessKey, localcloud.HuaweiSecretKey, localcloud.HuaweiProjectID)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	done := make(chan struct{})
	go func() { _ = srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
}
