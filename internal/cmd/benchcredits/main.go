// Command benchcredits measures reserve+capture cycles per second of the
// credit ledger (postgres.DB: one round trip per move) against a naive
// SELECT … FOR UPDATE implementation on the same tables, on one hot
// account and across 1,000 accounts, alternating runs in the same
// process, checks both leave identical balances, and writes the credits
// section of docs/benchmarks.md. Run it with make bench-credits.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/internal/benchdoc"
	"github.com/igny8/igny8/postgres"
)

const (
	grant    = 1_000_000_000 // credits of every benchmark account
	estimate = 20            // the reservation of each cycle
	words    = 1234          // each cycle's content: 13 credits
)

// ledger is one implementation under measurement.
type ledger interface {
	Reserve(ctx context.Context, req igny8.HoldRequest) error
	Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) error
}

// fast adapts postgres.Ledger to ledger.
type fast struct{ db *postgres.Ledger }

func (f fast) Reserve(ctx context.Context, req igny8.HoldRequest) error {
	_, err := f.db.Reserve(ctx, req)
	return err
}

func (f fast) Capture(ctx context.Context, key string, actual int64, d igny8.UsageDetail) error {
	_, err := f.db.Capture(ctx, key, actual, d)
	return err
}

type scenario struct {
	name     string
	accounts map[string][]int64 // implementation → its accounts
}

func main() {
	base := flag.String("db", os.Getenv("IGNY8_TEST_DATABASE_URL"), "Postgres server to create the benchmark database on")
	cycles := flag.Int("cycles", 3000, "reserve+capture cycles per timed run")
	runs := flag.Int("runs", 3, "timed runs of each implementation per scenario, alternating")
	workers := flag.Int("workers", 16, "goroutines running cycles")
	conns := flag.Int("conns", 8, "pool connections (the same pool serves both implementations)")
	inflight := flag.Int("inflight", 4, "the ledger's batches in flight at once (postgres.LedgerConfig.MaxInFlight)")
	spread := flag.Int("accounts", 1000, "accounts of the spread scenario")
	doc := flag.String("doc", "docs/benchmarks.md", "file to write the section into")
	flag.Parse()
	log.SetFlags(0)
	if *base == "" {
		log.Fatal("IGNY8_TEST_DATABASE_URL is not set: make bench-credits starts Postgres and sets it")
	}
	ctx := context.Background()
	dbURL, drop := createDatabase(ctx, *base)
	defer drop()
	u, _ := url.Parse(dbURL)
	q := u.Query()
	q.Set("pool_max_conns", fmt.Sprint(*conns))
	u.RawQuery = q.Encode()
	db, err := postgres.Open(ctx, u.String())
	check(err)
	defer db.Close()

	owner, err := pgx.Connect(ctx, dbURL)
	check(err)
	defer owner.Close(ctx)
	impls := map[string]ledger{
		"ledger": fast{postgres.NewLedger(db, postgres.LedgerConfig{MaxInFlight: *inflight})},
		// The same functions, one move per round trip: what batching adds.
		"unbatched": fast{postgres.NewLedger(db, postgres.LedgerConfig{MaxInFlight: *conns, MaxBatch: 1})},
		"naive":     naiveLedger{db},
	}
	names := []string{"ledger", "unbatched", "naive"}
	scenarios := []scenario{
		{name: "one hot account", accounts: map[string][]int64{}},
		{name: fmt.Sprintf("%d accounts", *spread), accounts: map[string][]int64{}},
	}
	for _, name := range names {
		scenarios[0].accounts[name] = seed(ctx, owner, "hot-"+name, 1)
		scenarios[1].accounts[name] = seed(ctx, owner, "spread-"+name, *spread)
	}

	// Warm up: plans cached, pool full.
	for name, l := range impls {
		for _, sc := range scenarios {
			run(l, sc.accounts[name], 200, *workers, "warm-"+name)
		}
	}
	results := map[string]map[string][]float64{}
	for i := 0; i < *runs; i++ {
		for _, sc := range scenarios {
			for j := range names {
				name := names[(i+j)%len(names)] // each run starts with another implementation
				rate := run(impls[name], sc.accounts[name], *cycles, *workers, fmt.Sprintf("r%d-%s", i, name))
				if results[sc.name] == nil {
					results[sc.name] = map[string][]float64{}
				}
				results[sc.name][name] = append(results[sc.name][name], rate)
				log.Printf("%-16s %-6s run %d: %8.0f cycles/s", sc.name, name, i+1, rate)
			}
		}
	}

	// Both implementations did the same cycles on their accounts: the
	// balances must match, account for account.
	totalCycles := *runs**cycles + 200
	identical := true
	var checks []string
	for _, sc := range scenarios {
		want := int64(len(sc.accounts["naive"]))*grant - int64(totalCycles)*13
		naive := balances(ctx, owner, sc.accounts["naive"])
		line := sc.name + ":"
		for _, name := range names {
			b := balances(ctx, owner, sc.accounts[name])
			var sum int64
			for _, x := range b {
				sum += x
			}
			if !slices.Equal(b, naive) || sum != want {
				identical = false
			}
			line += fmt.Sprintf(" %s %d,", name, sum)
		}
		checks = append(checks, fmt.Sprintf("%s expected %d (grants − %d cycles × 13)", line, want, totalCycles))
	}
	var reserved int64
	check(owner.QueryRow(ctx, `SELECT coalesce(sum(reserved), 0) FROM credit_balances`).Scan(&reserved))
	if reserved != 0 {
		identical = false
	}
	for _, c := range checks {
		log.Print(c)
	}
	if !identical {
		log.Fatalf("the final balances differ or credits are still reserved (%d): not writing results", reserved)
	}

	var sb strings.Builder
	fmt.Fprintf(&sb, "## Credits: reserve + capture\n\nCommand: `make bench-credits` (%s, %d runs of %d cycles per implementation and scenario, alternating, medians; %d goroutines, %d pooled connections; linux/%s, %d CPUs, Postgres and the benchmark on the same machine).\n\n",
		time.Now().UTC().Format("2006-01-02"), *runs, *cycles, *workers, *conns, runtime.GOARCH, runtime.NumCPU())
	sb.WriteString("One cycle reserves 20 credits for a content operation and captures 13 (1,234 words), writing the hold, the usage transaction and the usage row. **ledger** is `postgres.Ledger`: each move is one plpgsql function call sent with its `set_config` in one pgx batch, so one round trip and one implicit transaction, and the balance row lock is held from the function's first statement to the commit with no client round trip in between; moves that arrive while every batch slot is busy leave together as one batch (one round trip, one commit), an account being in at most one batch at a time. **unbatched** is the same `postgres.Ledger` with batches of one move (`MaxBatch: 1`): it shows what the single-round-trip functions give alone. **naive** is the usual Go implementation over the same tables: `DB.Tx` (BEGIN, set_config, …, COMMIT), `SELECT … FOR UPDATE` of the balance, the checks in Go, one statement per row, so the row lock is held across round trips.\n\n")
	sb.WriteString("| scenario | ledger (cycles/s) | unbatched (cycles/s) | naive (cycles/s) | ledger / naive | unbatched / naive |\n|---|---|---|---|---|---|\n")
	for _, sc := range scenarios {
		l, u, n := median(results[sc.name]["ledger"]), median(results[sc.name]["unbatched"]), median(results[sc.name]["naive"])
		fmt.Fprintf(&sb, "| %s | %.0f | %.0f | %.0f | **%.2f×** | %.2f× |\n", sc.name, l, u, n, l/n, u/n)
		log.Printf("%s: ledger/naive = %.2f×, unbatched/naive = %.2f×", sc.name, l/n, u/n)
	}
	sb.WriteString("\nTarget: at least 1.5× the naive implementation.\n\nFinal balances, checked after the runs (identical per account between the implementations, nothing left reserved):\n\n")
	for _, c := range checks {
		fmt.Fprintf(&sb, "- %s\n", c)
	}
	check(benchdoc.WriteSection(*doc, "credits", sb.String()))
	log.Printf("wrote the credits section of %s", *doc)
}

// run does cycles reserve+capture cycles spread over accounts (cycle i on
// account i mod len) and returns cycles per second.
func run(l ledger, accounts []int64, cycles, workers int, tag string) float64 {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= cycles {
					return
				}
				acc := accounts[i%len(accounts)]
				ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: acc, Role: igny8.RoleEditor})
				key := fmt.Sprintf("%s-%d", tag, i)
				if err := l.Reserve(ctx, igny8.HoldRequest{Key: key, Operation: igny8.OpContent, Credits: estimate}); err != nil {
					errs <- fmt.Errorf("reserve %s: %w", key, err)
					return
				}
				if err := l.Capture(ctx, key, (words+99)/100, igny8.UsageDetail{ObjectType: "content", ObjectID: key, Metadata: map[string]any{"words": words}}); err != nil {
					errs <- fmt.Errorf("capture %s: %w", key, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		log.Fatal(err)
	}
	return float64(cycles) / elapsed.Seconds()
}

// seed creates n accounts with grant credits each.
func seed(ctx context.Context, owner *pgx.Conn, prefix string, n int) []int64 {
	rows, err := owner.Query(ctx, `INSERT INTO accounts (slug, name) SELECT $1 || '-' || g, $1 FROM generate_series(1, $2) g RETURNING id`, prefix, n)
	check(err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	check(err)
	_, err = owner.Exec(ctx, `INSERT INTO credit_balances (account_id, balance) SELECT unnest($1::bigint[]), $2`, ids, grant)
	check(err)
	_, err = owner.Exec(ctx, `INSERT INTO credit_transactions (account_id, kind, amount, balance_after, reason) SELECT unnest($1::bigint[]), 'grant', $2, $2, 'benchmark'`, ids, grant)
	check(err)
	return ids
}

func balances(ctx context.Context, owner *pgx.Conn, ids []int64) []int64 {
	rows, err := owner.Query(ctx, `SELECT b.balance FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) JOIN credit_balances b ON b.account_id = u.id ORDER BY u.n`, ids)
	check(err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	check(err)
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// createDatabase makes and migrates a fresh database on base and returns
// its URL and a function that drops it.
func createDatabase(ctx context.Context, base string) (string, func()) {
	admin, err := pgx.Connect(ctx, base)
	check(err)
	b := make([]byte, 6)
	rand.Read(b)
	name := "igny8_bench_" + hex.EncodeToString(b)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
	check(err)
	admin.Close(ctx)
	u, err := url.Parse(base)
	check(err)
	u.Path = "/" + name
	_, err = postgres.Migrate(ctx, u.String(), nil)
	check(err)
	return u.String(), func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			log.Printf("drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			log.Printf("drop %s: %v", name, err)
		}
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
