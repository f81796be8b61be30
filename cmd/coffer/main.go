// Command coffer is a secure data vault for machine-learning datasets.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/coffer-vault/coffer/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
