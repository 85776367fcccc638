// Package api is IGNY8's HTTP API: /v1, JSON, bearer tokens, roles,
// RFC 9457 problems, cursor pagination, idempotent POSTs, per-token rate
// limits, and an OpenAPI 3.1 document generated from the same route table
// that serves the requests.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/igny8/igny8"
)

// Config wires the API to its stores and services.
//
// The stores are small interfaces, one per resource, each declared next to
// its handlers; *postgres.DB implements them all. Every store method
// scopes itself to the actor in ctx.
type Config struct {
	Auth        AuthStore
	Accounts    AccountStore
	Members     MemberStore
	Tokens      TokenStore
	Sites       SiteStore
	SiteDeleter SiteDeleter
	Assets      Assets
	Sectors     SectorStore
	Domains     DomainStore
	// DomainService claims, verifies and removes custom domains, keeping
	// the edges' routes in step.
	DomainService DomainService
	Blueprints    BlueprintStore
	Pages         PageStore
	Deployments   DeploymentStore
	Admin         AdminStore
	Idempotency   IdempotencyStore
	// Deploys builds and moves live pointers.
	Deploys Deploys
	// PipelineStore and Pipeline serve the content pipeline's routes.
	PipelineStore PipelineStore
	Pipeline      Pipeline
	// Integrations and Connector serve a site's integrations; without
	// either, those routes answer 501.
	Integrations IntegrationStore
	Connector    Connector
	// Resolver settles conflicts and remote deletions sync finds; nil:
	// the publish, sync, import and conflict routes answer 501.
	Resolver Resolver
	// Hooks finds the integration a platform's webhook is for, without an
	// actor; nil: POST /v1/hooks/shopify/{integrationID} answers 501.
	Hooks HookTarget
	// Credits serves /v1/credits; nil: those routes answer 501.
	Credits Credits
	// Limiter limits requests per token; nil means no limit.
	Limiter Limiter
	// LoginLimiter limits login attempts per email address, more tightly
	// than Limiter, against password guessing; nil uses Limiter.
	LoginLimiter Limiter
	// SignupMode says who may create an account with POST /v1/signup:
	// igny8.SignupOpen, igny8.SignupInvite, or igny8.SignupClosed (also
	// the zero value, so that nothing opens sign-up by accident).
	SignupMode igny8.SignupMode
	// SignupPlan is the slug of the plan new accounts get, with its
	// monthly credits at once; "" gives none. A slug with no plan makes
	// every sign-up fail with a problem that says so.
	SignupPlan string
	// Signups creates the accounts of sign-ups; nil keeps sign-up closed.
	Signups SignupStore
	// SignupLimiter limits sign-ups per client address (the IP, an IPv6
	// /64); nil uses Limiter.
	SignupLimiter Limiter
	// Invites manages sign-up invites; nil: those routes answer 501.
	Invites InviteStore
	Logger  *slog.Logger
	// MaxBodyBytes caps request bodies (default 25 MiB, above the
	// blueprint format's 20 MiB).
	MaxBodyBytes int64
	// LoginTTL is how long a token from /v1/login lasts (default 30 days).
	LoginTTL time.Duration
	// Ready reports whether the dependencies answer (readiness).
	Ready func(context.Context) error
	// Version is reported in the OpenAPI document.
	Version string
}

type server struct {
	cfg     Config
	log     *slog.Logger
	routes  []*route
	metrics *metrics
	docOnce sync.Once
	doc     map[string]any
}

// handler serves one route: it returns the success status and body, or
// an error that becomes a problem.
type handler func(w http.ResponseWriter, r *http.Request) (int, any, error)

// route is one operation: it serves requests and describes itself in the
// OpenAPI document.
type route struct {
	method, pattern string
	id, summary     string
	tag             string
	role            igny8.Role // minimum role; "" for public routes
	system          bool       // only superusers of the system account
	in              any        // request body example type, or nil
	rawIn           bool       // the request body is the bytes of a file, of any type
	rawOut          bool       // the handler writes the response (a file) itself
	out             any        // response body type, or nil
	list            bool       // out is an item of a list
	whole           bool       // the list comes whole, without limit and cursor
	status          int        // success status
	query           []queryParam
	serve           handler
}

// queryParam documents a query parameter of a route (beyond limit and
// cursor, which list routes get), or a header one.
type queryParam struct {
	name, description string
	enum              []string
	format            string // e.g. "date-time"
	in                string // "header"; "" is the query
	required          bool
}

// New returns the API's HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 25 << 20
	}
	if cfg.LoginTTL == 0 {
		cfg.LoginTTL = 30 * 24 * time.Hour
	}
	s := &server{cfg: cfg, log: cfg.Logger, metrics: newMetrics()}
	s.routes = s.table()

	r := chi.NewRouter()
	r.Use(s.requestID, s.recoverer, s.observe)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.log, problem(igny8.ENotFound, "No such endpoint: see /v1/openapi.json."))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, s.log, problem(CodeMethod, fmt.Sprintf("%s is not allowed here: see /v1/openapi.json.", r.Method)))
	})
	r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	r.Get("/readyz", s.ready)
	r.Get("/metrics", s.metrics.serve)
	for _, rt := range s.routes {
		r.Method(rt.method, rt.pattern, s.wrap(rt))
	}
	return r
}

// wrap turns a route into an http.Handler: authentication, role check,
// rate limit, body limit, idempotency, then the handler and its JSON.
func (s *server) wrap(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setRoute(r.Context(), rt.pattern)
		if rt.in != nil && !rt.rawIn {
			if ct := r.Header.Get("Content-Type"); ct != "" {
				mt, _, _ := mime.ParseMediaType(ct)
				if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
					writeError(w, r, s.log, problem(CodeUnsupportedType, fmt.Sprintf("The body must be JSON sent as Content-Type: application/json, not %s (curl -d sends a form unless told otherwise).", mt)))
					return
				}
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		if rt.role != "" {
			a, err := s.authenticate(r)
			if err != nil {
				if igny8.ErrorCode(err) == igny8.EUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="igny8"`)
				}
				writeError(w, r, s.log, err)
				return
			}
			a.RequestID = requestID(r.Context())
			setAccount(r.Context(), a.AccountID)
			r = r.WithContext(igny8.WithActor(r.Context(), a))
			if err := s.rateLimit(w, r, fmt.Sprintf("token:%d", a.TokenID)); err != nil {
				writeError(w, r, s.log, err)
				return
			}
			if !a.Role.AtLeast(rt.role) {
				writeError(w, r, s.log, problem(igny8.EForbidden, fmt.Sprintf("This needs the %s role or higher; your token acts as %s.", rt.role, a.Role)))
				return
			}
			if rt.system && !a.System {
				writeError(w, r, s.log, problem(igny8.EForbidden, "Only administrators of the system account may do this."))
				return
			}
		}
		if rt.method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" && rt.role != "" {
			s.idempotent(w, r, rt)
			return
		}
		s.respond(w, r, rt)
	})
}

// respond runs the handler and writes its result.
func (s *server) respond(w http.ResponseWriter, r *http.Request, rt *route) {
	status, body, err := rt.serve(w, r)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if status == 0 { // rawOut: the handler wrote the response
		return
	}
	if body == nil || status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(body)
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "not ready", "error", err)
			http.Error(w, "not ready\n", http.StatusServiceUnavailable)
			return
		}
	}
	io.WriteString(w, "ready\n")
}

// ctxKey carries per-request values set by the middleware.
type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyInfo
)

// info is mutable per-request state the outer middleware reads back.
type info struct {
	route     string
	accountID int64
}

func setRoute(ctx context.Context, pattern string) {
	if i, ok := ctx.Value(keyInfo).(*info); ok {
		i.route = pattern
	}
}

func setAccount(ctx context.Context, id int64) {
	if i, ok := ctx.Value(keyInfo).(*info); ok {
		i.accountID = id
	}
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// requestID takes a sane X-Request-Id from the client or makes one, and
// echoes it.
func (s *server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool { return c < '!' || c > '~' }) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		ctx = context.WithValue(ctx, keyInfo, &info{})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeError(w, r, s.log, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
