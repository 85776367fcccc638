package edge_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/igny8/igny8/edge"
	"github.com/igny8/igny8/storage/storagetest"
)

// Example wires an edge the way cmd/igny8 would: the public server, a
// private admin server, and a graceful shutdown on SIGTERM.
func Example() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	srv := edge.New(edge.Config{Store: storagetest.NewMemory(), SitesDomain: "sites.example", Logger: logger})
	public := edge.NewHTTPServer(":8081", srv, logger)
	admin := edge.NewHTTPServer("127.0.0.1:9081", srv.AdminHandler(), logger)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, hs := range []*http.Server{public, admin} {
		go func() {
			if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("listen", slog.Any("error", err))
				stop()
			}
		}()
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = public.Shutdown(shutdown)
	_ = admin.Shutdown(shutdown)
}
