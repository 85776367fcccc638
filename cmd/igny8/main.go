// Command igny8 is the IGNY8 Sites binary: it validates and builds site
// blueprints, previews them with live reload, and (in later roles) runs the
// API, workers, scheduler and edge server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/igny8/igny8"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2 // bad usage or invalid input
)

// errUsage marks errors that exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// errorText is err for people: an igny8 error in its chain is shown by its
// message, without the code the API uses.
func errorText(err error) string {
	text := err.Error()
	var ie *igny8.Error
	if errors.As(err, &ie) {
		text = strings.Replace(text, ie.Error(), ie.Message, 1)
	}
	return text
}

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: no globals, so tests run commands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"validate", "check blueprints and report every problem", runValidate},
		{"build", "build a blueprint into a static site folder", runBuild},
		{"preview", "serve a blueprint locally, rebuilding and reloading on change", runPreview},
		{"init", "scaffold a new site from an example blueprint", runInit},
		{"deploy", "upload a site folder or blueprint as a new deploy and make it live", runDeploy},
		{"deploys", "list a site's deploys", runDeploys},
		{"rollback", "make an earlier deploy live again (or undo the last change)", runRollback},
		{"gc", "delete old deploys and unused blobs", runGC},
		{"api", "serve the HTTP API (accounts, sites, blueprints, deploys)", runAPI},
		{"edge", "serve every site's live deploy by host name", runEdge},
		{"migrate", "apply the database schema migrations (DATABASE_URL)", runMigrate},
		{"bootstrap", "create the system account's administrator and print a first API token", runBootstrap},
		{"invite", "make a sign-up invite in the system account's name and print its code", runInvite},
		{"keys", "add a key to the ring that seals integrations' credentials, or re-encrypt them with the primary", runKeys},
		{"pipeline", "run the content pipeline for a site from a keyword CSV, through the API", runPipeline},
		{"publish", "publish a site's content to one of its integrations, through the API", runPublish},
		{"sync", "sync a site's integration both ways (or --import what it holds), through the API", runSync},
		{"worker", "run background jobs: builds, deploys, the content pipeline, garbage collection", runWorker},
		{"scheduler", "enqueue periodic work (one leader among many)", runScheduler},
		{"dev", "run everything in one process, with its own Postgres and Redis when unset", runDev},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(e.stderr, "igny8 %s: %s\n", c.name, errorText(err))
			return exitUsage
		default:
			fmt.Fprintf(e.stderr, "igny8 %s: %s\n", c.name, errorText(err))
			return exitFailure
		}
	}
	fmt.Fprintf(e.stderr, "igny8: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: igny8 <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "igny8 <command> -h" for a command's flags.`)
}

// newFlags returns a FlagSet whose usage names the command and its arguments.
func newFlags(e *env, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: igny8 %s %s\n\n%s\n", name, args, about)
		if hasFlags(fs) {
			fmt.Fprintln(e.stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args, letting flags come after positional arguments
// ("igny8 build site.json -o out"), and maps flag errors to usage errors.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// version is set at link time: -ldflags "-X main.version=…".
var version = "dev"

func runVersion(_ context.Context, e *env, _ []string) error {
	fmt.Fprintf(e.stdout, "igny8 %s\n", version)
	return nil
}
