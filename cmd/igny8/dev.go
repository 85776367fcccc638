package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/internal/jobstore"
	"github.com/igny8/igny8/jobs"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/secrets"
	"github.com/igny8/igny8/sites"
)

func runDev(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dev", "", "Runs the whole platform in one process: API, worker, scheduler and edge.\nWithout DATABASE_URL it starts a private Postgres (the system's initdb and pg_ctl)\nunder DATA/postgres; without REDIS_URL a private redis-server under DATA/redis;\nobjects go to IGNY8_STORAGE (default fs://./data/objects). It seeds a demo account,\nprints an API token, deploys the example sites through the job queue and prints\ntheir URLs. On the first start it runs the content pipeline for the bakery site\n(keywords → clusters → ideas → content → images → published pages) with the\nconfigured AI provider: the offline one unless IGNY8_AI_* is set.\nCtrl-C stops everything it started.")
	data := fs.String("data", "data", "folder of the private Postgres and Redis")
	pipe := fs.Bool("pipeline", true, "run the content pipeline demo on the bakery site when it has no content yet")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	dataDir, err := filepath.Abs(*data)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	set := map[string]string{}
	if cfg.DatabaseURL == "" {
		u, stop, err := startPostgres(ctx, e, filepath.Join(dataDir, "postgres"))
		if err != nil {
			return fmt.Errorf("private postgres: %w", err)
		}
		defer stop()
		set["DATABASE_URL"] = u
	}
	if cfg.RedisURL == "" {
		u, stop, err := startRedis(ctx, e, filepath.Join(dataDir, "redis"))
		if err != nil {
			return fmt.Errorf("private redis: %w", err)
		}
		defer stop()
		set["REDIS_URL"] = u
	}
	if e.getenv(secrets.EnvKeys) == "" && e.getenv(secrets.EnvKeyFile) == "" {
		file := filepath.Join(dataDir, "secrets.json")
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			if _, err := secrets.CreateKeyFile(file); err != nil {
				return fmt.Errorf("key ring for integration credentials: %w", err)
			}
			fmt.Fprintf(e.stderr, "created %s: the key ring that encrypts integrations' credentials (keep it; without it they cannot be read)\n", file)
		}
		set[secrets.EnvKeyFile] = file
	}
	de := &env{stdout: e.stdout, stderr: e.stderr, getenv: func(k string) string {
		if v, ok := set[k]; ok {
			return v
		}
		return e.getenv(k)
	}}
	if cfg, err = loadConfig(de.getenv); err != nil {
		return err
	}
	if _, err := postgres.Migrate(ctx, cfg.DatabaseURL, func(m postgres.Migration) {
		fmt.Fprintf(e.stderr, "applied migration %04d_%s\n", m.Version, m.Name)
	}); err != nil {
		return err
	}
	svc, err := openServices(ctx, de)
	if err != nil {
		return err
	}
	defer svc.Close()

	adminPassword, err := devAdminPassword(de, dataDir)
	if err != nil {
		return err
	}
	demo, err := seedDemo(ctx, svc, adminPassword)
	if err != nil {
		return fmt.Errorf("seed the demo account: %w", err)
	}

	// Every role reports into errc when it stops; the services close only
	// after all have (Asynq must not lose its Redis while shutting down).
	errc := make(chan error, 4)
	roles := 0
	role := func(name string, run func(context.Context) error) {
		roles++
		go func() { errc <- roleError(name, run(ctx)) }()
	}
	defer func() {
		cancel()
		for ; roles > 0; roles-- {
			<-errc
		}
	}()
	jc := svc.jobsConfig()
	role("worker", jobs.NewWorker(jc).Run)
	role("scheduler", jobs.NewScheduler(jc).Run)
	role("edge", func(ctx context.Context) error { return runEdge(ctx, de, nil) })

	api := svc.apiHandler()
	role("api", func(ctx context.Context) error { return serveHTTP(ctx, de, cfg.APIAddr, "api", api, svc.logger) })

	store := jobstore.New(svc.db)
	var queued []*igny8.Deployment
	for _, site := range demo.sites {
		d, err := store.QueueBuild(demo.ctx, site.ID)
		if err != nil {
			return fmt.Errorf("queue a deploy of %s: %w", site.Slug, err)
		}
		queued = append(queued, d)
	}
	fmt.Fprintf(e.stdout, "\nAPI at http://%s/v1/ (OpenAPI document: /v1/openapi.json)\n", displayAddr(cfg.APIAddr))
	fmt.Fprintf(e.stdout, "Demo account %q, owner %s, API token (shown once):\n  export IGNY8_TOKEN=%s\n", demo.account.Slug, demoOwner, demo.token)
	fmt.Fprintf(e.stdout, "System administrator %s (creates accounts and plans):\n  password %s\n  token    %s\n", adminEmail, adminPassword, demo.adminToken)
	fmt.Fprintf(e.stdout, "  a second account: curl -X POST -H \"Authorization: Bearer <admin token>\" -H 'Content-Type: application/json' \\\n    -d '{\"slug\": \"acme\", \"name\": \"Acme\", \"owner_email\": \"you@example.com\", \"password\": \"a long password\"}' http://%s/v1/accounts\n", displayAddr(cfg.APIAddr))
	if cfg.Signup.Mode == igny8.SignupClosed {
		fmt.Fprintf(e.stdout, "Sign-up (POST /v1/signup) is closed; IGNY8_SIGNUP=open or invite opens it.\n")
	} else {
		fmt.Fprintf(e.stdout, "Sign-up (POST /v1/signup) is %s; new accounts get the %s plan.\n", cfg.Signup.Mode, cfg.Signup.Plan)
	}
	fmt.Fprintf(e.stdout, "DATABASE_URL=%s\nREDIS_URL=%s\n\n", cfg.DatabaseURL, cfg.RedisURL)
	fmt.Fprintf(e.stdout, "Deploying %d example sites through the job queue…\n", len(queued))
	go func() {
		for i, d := range queued {
			got, err := waitDeployment(ctx, svc.db, demo.ctx, d.ID)
			if err != nil {
				return
			}
			site := demo.sites[i]
			if got.Status == igny8.DeploymentFailed {
				fmt.Fprintf(e.stdout, "  %s: deploy %d failed: %s\n", site.Slug, got.Version, got.Error)
				continue
			}
			fmt.Fprintf(e.stdout, "  %s: %s (deploy %d, %d files, %d uploaded)\n", site.Slug, svc.sites.SiteURL(site), got.Version, got.Files, got.UploadedFiles)
		}
		if *pipe {
			if err := demoPipeline(ctx, e, svc, demo, cfg.APIAddr); err != nil && ctx.Err() == nil {
				fmt.Fprintf(e.stdout, "The content pipeline demo stopped: %v\n", err)
			}
		}
		fmt.Fprintf(e.stdout, "Ctrl-C stops everything. Data in %s.\n", *data)
	}()

	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		roles--
		return err
	}
}

func roleError(role string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", role, err)
	}
	return nil
}

func displayAddr(addr string) string {
	if strings.HasPrefix(addr, ":") {
		return "localhost" + addr
	}
	return addr
}

// waitDeployment polls a deployment until it is live or failed.
func waitDeployment(ctx context.Context, db *postgres.DB, actx context.Context, id int64) (*igny8.Deployment, error) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		d, err := db.Deployment(actx, id)
		if err != nil {
			return nil, err
		}
		if d.Status == igny8.DeploymentLive || d.Status == igny8.DeploymentFailed {
			return d, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// demo is the seeded demo account.
type demo struct {
	account    *igny8.Account
	ctx        context.Context // acting as its owner
	token      string
	adminToken string // the system administrator's
	sites      []*igny8.Site
}

// devAdminPassword is the system administrator's password in igny8 dev:
// IGNY8_ADMIN_PASSWORD, or one made on first use and kept in
// DATA/admin-password (readable by its owner only).
func devAdminPassword(e *env, dataDir string) (string, error) {
	if pw := e.getenv("IGNY8_ADMIN_PASSWORD"); pw != "" {
		return pw, nil
	}
	file := filepath.Join(dataDir, "admin-password")
	if b, err := os.ReadFile(file); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	pw := hex.EncodeToString(b[:])
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return "", err
	}
	return pw, os.WriteFile(file, []byte(pw+"\n"), 0o600)
}

const (
	demoSlug   = "demo"
	demoOwner  = "demo@igny8.localhost"
	adminEmail = "admin@igny8.localhost"
)

// seedDemo makes sure the system account and its administrator, the demo
// account and its owner, and a site per example (with the example's asset
// files in its asset library) exist, and creates new tokens.
func seedDemo(ctx context.Context, svc *services, adminPassword string) (*demo, error) {
	db := svc.db
	sys, sysTok, err := db.Bootstrap(ctx, adminEmail, adminPassword)
	if err != nil {
		return nil, err
	}
	sysCtx := igny8.WithActor(ctx, igny8.Actor{AccountID: sys.ID, UserID: sysTok.UserID, Role: igny8.RoleOwner, System: true})
	acc, err := db.CreateAccount(sysCtx, postgres.NewAccount{Slug: demoSlug, Name: "Demo", OwnerEmail: demoOwner, OwnerName: "Demo Owner"})
	if igny8.ErrorCode(err) == igny8.EConflict {
		acc, err = findAccount(sysCtx, db, demoSlug)
	}
	if err != nil {
		return nil, err
	}
	// A plan, so the scheduler grants the demo account its monthly credits.
	if acc.PlanID == nil {
		plan, err := db.PutPlan(sysCtx, &igny8.Plan{Slug: "starter", Name: "Starter", MonthlyCredits: 2000, SupportLevel: "basic", BillingCycle: "monthly"})
		if err != nil {
			return nil, err
		}
		if acc, err = db.UpdateAccount(sysCtx, acc.ID, igny8.AccountUpdate{PlanID: &plan.ID}); err != nil {
			return nil, err
		}
	}
	members, err := db.Members(igny8.WithActor(ctx, igny8.Actor{AccountID: acc.ID, Role: igny8.RoleOwner}), 0, 100)
	if err != nil {
		return nil, err
	}
	var owner int64
	for _, m := range members {
		if m.User.Email == demoOwner {
			owner = m.User.ID
		}
	}
	if owner == 0 {
		return nil, fmt.Errorf("account %s has no member %s", demoSlug, demoOwner)
	}
	dm := &demo{account: acc, ctx: igny8.WithActor(ctx, igny8.Actor{AccountID: acc.ID, UserID: owner, Role: igny8.RoleOwner})}
	tok, err := db.CreateToken(dm.ctx, postgres.TokenSpec{Name: "igny8 dev", Role: igny8.RoleOwner})
	if err != nil {
		return nil, err
	}
	dm.token, dm.adminToken = tok.Secret, sysTok.Secret

	existing, err := db.Sites(dm.ctx, 0, 100)
	if err != nil {
		return nil, err
	}
	for _, name := range examples.Names() {
		var site *igny8.Site
		for _, s := range existing {
			if s.Slug == name {
				site = s
			}
		}
		if site == nil {
			doc, err := fs.ReadFile(examples.FS(), name+"/blueprint.json")
			if err != nil {
				return nil, err
			}
			site = &igny8.Site{Slug: name, Name: exampleTitle(doc, name)}
			if err := db.CreateSite(dm.ctx, site); err != nil {
				return nil, fmt.Errorf("site %s: %w", name, err)
			}
			if _, err := db.SaveBlueprint(dm.ctx, site.ID, doc); err != nil {
				return nil, fmt.Errorf("blueprint of %s: %w", name, err)
			}
		}
		if err := uploadExampleAssets(dm.ctx, svc.sites, site, name); err != nil {
			return nil, fmt.Errorf("assets of %s: %w", name, err)
		}
		dm.sites = append(dm.sites, site)
	}
	return dm, nil
}

// uploadExampleAssets puts an example's asset files into the site's asset
// library, at the paths its blueprint names (stored once per content, so
// a restart uploads nothing new).
func uploadExampleAssets(ctx context.Context, svc *sites.Service, site *igny8.Site, example string) error {
	root, err := fs.Sub(examples.FS(), example)
	if err != nil {
		return err
	}
	return fs.WalkDir(root, "assets", func(p string, d fs.DirEntry, err error) error {
		if p == "assets" && errors.Is(err, fs.ErrNotExist) {
			return nil // an example without asset files
		}
		if err != nil || d.IsDir() {
			return err
		}
		f, err := root.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, _, err = svc.PutAsset(ctx, site, p, "", f)
		return err
	})
}

func findAccount(ctx context.Context, db *postgres.DB, slug string) (*igny8.Account, error) {
	var after int64
	for {
		list, err := db.Accounts(ctx, after, 100)
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			if a.Slug == slug {
				return a, nil
			}
			after = a.ID
		}
		if len(list) < 100 {
			return nil, igny8.Errorf(igny8.ENotFound, "Account %s not found.", slug)
		}
	}
}

func exampleTitle(doc []byte, fallback string) string {
	var bp struct {
		Site struct {
			Name string `json:"name"`
		} `json:"site"`
	}
	if json.Unmarshal(doc, &bp) == nil && bp.Site.Name != "" {
		return bp.Site.Name
	}
	return fallback
}

// startPostgres runs a private Postgres in dir (initdb on first use) with
// the system's binaries, listening only on a unix socket in dir, with
// trust authentication, and returns the URL of its igny8 database. A
// server already running in dir (an earlier `igny8 dev` that was killed)
// is reused. stop shuts down the server this call started.
func startPostgres(ctx context.Context, e *env, dir string) (dbURL string, stop func(), err error) {
	initdb, err := pgBinary("initdb")
	if err != nil {
		return "", nil, err
	}
	pgctl, err := pgBinary("pg_ctl")
	if err != nil {
		return "", nil, err
	}
	// initdb refuses to run as root: then the server runs as the postgres
	// user, who must own dir.
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", nil, errors.New("running as root, and there is no postgres user to run the server as (install PostgreSQL from the OS packages, or set DATABASE_URL)")
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
		// The postgres user must be able to reach dir: its parents are
		// created world-searchable (MkdirAll would give them dir's 0700).
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return "", nil, err
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", nil, err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", nil, err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	// Not tied to ctx: stopping the server must work after ctx ends.
	run := func(name string, args ...string) error {
		argv := append(append(append([]string{}, asUser...), name), args...)
		cmd := exec.Command(argv[0], argv[1:]...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, out)
		}
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(e.stderr, "initdb: a private Postgres in %s\n", dir)
		if err := run(initdb, "-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"); err != nil {
			return "", nil, err
		}
	}
	started := false
	if run(pgctl, "status", "-D", dir) != nil {
		fmt.Fprintf(e.stderr, "starting the private Postgres (log in %s/postgres.log)\n", dir)
		// No TCP: the socket in dir is the only way in, so trust is safe.
		if err := run(pgctl, "start", "-w", "-D", dir, "-l", filepath.Join(dir, "postgres.log"),
			"-o", "-c listen_addresses='' -k "+dir); err != nil {
			return "", nil, err
		}
		started = true
	}
	stop = func() {
		if started {
			_ = run(pgctl, "stop", "-m", "fast", "-D", dir)
		}
	}
	q := url.Values{"host": {dir}}
	admin := (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres", RawQuery: q.Encode()}).String()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		stop()
		return "", nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'igny8')`).Scan(&exists); err != nil {
		stop()
		return "", nil, err
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE igny8`); err != nil {
			stop()
			return "", nil, err
		}
	}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/igny8", RawQuery: q.Encode()}).String(), stop, nil
}

// pgBinary finds a PostgreSQL server program on PATH or where Debian's
// packages put it.
func pgBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found: install PostgreSQL (apt-get install postgresql; `make run` does) or set DATABASE_URL", name)
}

// startRedis runs a private redis-server, files in dir, on a free
// localhost port, for as long as this process lives.
func startRedis(ctx context.Context, e *env, dir string) (redisURL string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, errors.New("redis-server not found: install it (apt-get install redis-server; `make run` does) or set REDIS_URL")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	log, err := os.Create(filepath.Join(dir, "redis.log"))
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
		"--save", "", "--appendonly", "no", "--protected-mode", "yes")
	cmd.Stdout, cmd.Stderr = log, log
	// The server dies with this process, even when it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		log.Close()
		return "", nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited); log.Close() }()
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			return "", nil, fmt.Errorf("redis-server exited; see %s/redis.log", dir)
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if i > 200 {
			stop()
			return "", nil, fmt.Errorf("redis-server did not listen on %s; see %s/redis.log", addr, dir)
		}
	}
	fmt.Fprintf(e.stderr, "private redis-server on %s (files in %s)\n", addr, dir)
	return "redis://" + addr + "/0", stop, nil
}
