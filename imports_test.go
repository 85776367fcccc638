package igny8_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/igny8/igny8"

// importRule is a row of DESIGN.md's package table: what one package (or
// a tree of them, "cmd/...") may import.
type importRule struct {
	pkg string // module-relative path, "" for the root; "x/..." matches x and below
	// may lists the module's packages it may import directly ("" is the
	// root); all means anything.
	may []string
	all bool
	// stdlib: it and everything it depends on is the standard library.
	stdlib bool
	// never lists packages it must not depend on, even indirectly; a path
	// with a dot in its first element is outside the module.
	never []string
	why   string
}

// adapters are the packages that talk to the outside world; they meet
// only in cmd/igny8.
var adapters = []string{"api", "postgres", "storage/fs", "storage/s3", "storage/backend", "jobs", "edge", "livebus", "cdn/cloudfront"}

// importRules is DESIGN.md's package table, plus the packages it does not
// name yet. Every package of the module needs a row: a new package gets
// one when it lands.
var importRules = []importRule{
	{pkg: "", stdlib: true, why: "domain types, stdlib only"},
	{pkg: "cmd/...", all: true, why: "wiring: everything meets here"},
	{pkg: "internal/cmd/...", all: true, why: "development tools, wired like cmd"},
	{pkg: "blueprints", may: []string{""}},
	{pkg: "blueprints/examples", may: []string{"", "blueprints"}},
	{pkg: "themes", stdlib: true},
	{pkg: "builder", may: []string{"", "blueprints", "themes"}, why: "the only importer of Hugo"},
	{pkg: "storage", may: []string{""}},
	{pkg: "storage/fs", may: []string{"", "storage"}},
	{pkg: "storage/s3", may: []string{"", "storage"}},
	{pkg: "storage/s3/s3test", may: []string{"", "storage", "storage/s3"}},
	{pkg: "storage/storagetest", may: []string{"", "storage"}},
	{pkg: "storage/backend", may: []string{"", "storage", "storage/fs", "storage/s3"}, why: "picks a backend from IGNY8_STORAGE for cmd"},
	{pkg: "deployer", may: []string{"", "storage", "deployer/rules"}, never: []string{"storage/fs", "storage/s3", "storage/backend"}},
	{pkg: "deployer/rules", may: []string{""}},
	{pkg: "sites", may: []string{"", "blueprints", "builder", "deployer", "deployer/rules", "storage", "domains"},
		never: append([]string{"postgres", "api", "jobs"}, "storage/fs", "storage/s3"), why: "interfaces for the rest; domains for the routing entries a site's own host needs"},
	{pkg: "domains", may: []string{"", "storage", "deployer"}, never: adapters, why: "reads the routing layout only (see layoutOnly)"},
	{pkg: "edge", may: []string{"", "storage", "deployer", "deployer/rules"},
		never: []string{"postgres", "api", "jobs", "builder", "storage/fs", "storage/s3", "github.com/gohugoio/hugo"}, why: "the deployer's layout types only (see layoutOnly)"},
	{pkg: "postgres", may: []string{"", "migrations"}, never: []string{"api", "jobs", "edge"}},
	{pkg: "postgres/pgtest", may: []string{"", "postgres", "migrations"}, why: "test helper"},
	{pkg: "migrations", stdlib: true},
	{pkg: "api", may: []string{"", "blueprints", "safehttp"}, never: []string{"postgres", "storage", "jobs", "edge", "builder", "credits"},
		why: "interfaces it declares; safehttp for checking user-supplied URLs up front"},
	{pkg: "jobs", may: []string{""}, never: []string{"postgres", "api"}},
	{pkg: "credits", may: []string{"", "safehttp"}, why: "safehttp sends the low-credit webhook"},
	{pkg: "safehttp", stdlib: true},
	{pkg: "secrets", may: []string{""}},
	{pkg: "ai", may: []string{""}},
	{pkg: "ai/openai", may: []string{"", "ai", "safehttp"}},
	{pkg: "ai/offline", may: []string{"", "ai"}},
	{pkg: "ai/aitest", may: []string{"", "ai"}, why: "the providers' conformance suite"},
	{pkg: "planner", may: []string{"", "blueprints", "credits", "ai"}},
	{pkg: "writer", may: []string{"", "blueprints", "credits", "ai"}},
	{pkg: "pipeline", may: []string{"", "ai", "blueprints", "credits", "planner", "writer", "linker", "optimizer"},
		never: []string{"postgres", "api", "jobs", "storage", "sites"}, why: "the pipeline's steps: bookkeeping around planner and writer, interfaces for the rest"},
	{pkg: "linker", may: []string{"", "blueprints", "ai"}},
	{pkg: "optimizer", may: []string{"", "blueprints", "ai"}},
	{pkg: "publishing", may: []string{"", "safehttp", "blueprints", "publishing/markup"}, why: "a secrets interface, not the package; markup for bringing remote bodies back as blocks"},
	{pkg: "publishing/markup", may: []string{"", "blueprints"}, why: "blocks to platforms' markup and back"},
	{pkg: "publishing/woocommerce", may: []string{"", "publishing", "publishing/markup", "publishing/wordpress", "blueprints", "safehttp"},
		why: "WooCommerce speaks through the WordPress site's REST client"},
	{pkg: "publishing/...", may: []string{"", "publishing", "publishing/markup", "blueprints", "safehttp"}},
	{pkg: "automation", may: []string{""}},
	{pkg: "web", stdlib: true},
	// Not in DESIGN.md's table yet.
	{pkg: "cdn", may: []string{"", "deployer", "deployer/rules"}, never: adapters, why: "purges the paths a manifest change touches"},
	{pkg: "cdn/cloudfront", may: []string{"", "cdn"}},
	{pkg: "livebus", may: []string{""}},
	{pkg: "internal/jobstore", may: []string{"", "jobs", "postgres"}, why: "glue between jobs and postgres for cmd"},
	{pkg: "internal/benchdoc", may: []string{""}},
	{pkg: "internal/sitegen", may: []string{"", "blueprints"}},
}

// hugoImporters may import Hugo, tests included; anything else reaches
// it through builder.
var hugoImporters = []string{"builder"}

// layoutOnly names what an importer may use of a package it imports for
// its layout types alone: the edge and domains read what the deployer
// wrote; they never deploy.
var layoutOnly = map[[2]string][]string{
	{"edge", "deployer"}:    deployerLayout,
	{"domains", "deployer"}: deployerLayout,
}

var deployerLayout = []string{
	// object keys and buckets (layout.go)
	"BlobKey", "BlobPrefix", "DeployKey", "DeployPrefix", "HostKey", "HostPrefix", "LiveKey", "RoutesBucket",
	// the manifest and the live pointer (manifest.go)
	"Manifest", "ManifestVersion", "FileEntry", "URLPolicy", "Preview", "LiveRef", "EncodingBrotli", "EncodingGzip",
	// preview hosts and their access check, read-only (preview.go)
	"PreviewHost", "ParsePreviewHost", "CheckPreviewAccess", "ErrPreviewExpired", "ErrPreviewPassword",
}

// listedPackage is what go list says of a package.
type listedPackage struct {
	ImportPath   string
	Dir          string
	Standard     bool
	GoFiles      []string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }
}

// TestImportRules keeps DESIGN.md's package table true for the whole
// module.
func TestImportRules(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list packages: %v", err)
	}
	cmd := exec.Command(goCmd, "list", "-e", "-deps", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	pkgs := map[string]*listedPackage{}
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = &p
	}
	if _, ok := pkgs[module]; !ok {
		t.Fatalf("go list did not list %s", module)
	}
	for _, problem := range checkImports(pkgs, importRules) {
		t.Error(problem)
	}
	for _, problem := range checkLayoutUse(pkgs) {
		t.Error(problem)
	}
}

// rel is a package's module-relative path ("" for the root), ok false
// outside the module.
func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func name(r string) string {
	if r == "" {
		return "the root package"
	}
	return r
}

// matches reports whether path (module-relative, or a full import path
// outside the module) is pattern or, for "x/...", below x; an outside
// pattern matches the packages below it too.
func matches(pattern, path string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	if strings.Contains(strings.Split(pattern, "/")[0], ".") {
		return path == pattern || strings.HasPrefix(path, pattern+"/")
	}
	return path == pattern
}

func ruleFor(rules []importRule, r string) (importRule, bool) {
	// The most specific row wins: an exact one before "x/...".
	for _, exact := range []bool{true, false} {
		for _, rule := range rules {
			if strings.HasSuffix(rule.pkg, "/...") != exact && matches(rule.pkg, r) {
				return rule, true
			}
		}
	}
	return importRule{}, false
}

// checkImports returns every breach of rules in the graph pkgs (keyed by
// import path), each naming the import chain that breaks the rule.
func checkImports(pkgs map[string]*listedPackage, rules []importRule) []string {
	var problems []string
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range pkgs {
			if !yield(p) {
				return
			}
		}
	})
	for _, path := range paths {
		p := pkgs[path]
		r, ok := rel(path)
		if !ok {
			continue
		}
		if p.Error != nil {
			problems = append(problems, fmt.Sprintf("%s does not load: %s", name(r), p.Error.Err))
		}
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if matches("github.com/gohugoio/hugo", imp) && !slices.Contains(hugoImporters, r) {
				problems = append(problems, fmt.Sprintf("%s imports Hugo (%s); only %s may: %s → %s",
					name(r), imp, strings.Join(hugoImporters, ", "), path, imp))
			}
		}
		rule, ok := ruleFor(rules, r)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s has no row in the import rules of imports_test.go: add one as DESIGN.md's package table says", name(r)))
			continue
		}
		if rule.all {
			continue
		}
		if rule.stdlib {
			if chain := findChain(pkgs, path, func(q *listedPackage) bool { return !q.Standard && q.ImportPath != path }); chain != nil {
				problems = append(problems, fmt.Sprintf("%s may import the standard library only: %s", name(r), strings.Join(chain, " → ")))
			}
			continue
		}
		for _, imp := range p.Imports {
			ir, inModule := rel(imp)
			if inModule && !slices.Contains(rule.may, ir) {
				may := make([]string, len(rule.may))
				for i, m := range rule.may {
					may[i] = name(m)
				}
				problems = append(problems, fmt.Sprintf("%s may not import %s (it may import %s; %s): %s → %s",
					name(r), name(ir), strings.Join(may, ", "), orDefault(rule.why, "DESIGN.md's package table"), path, imp))
			}
		}
		for _, never := range rule.never {
			target := func(q *listedPackage) bool {
				qr, inModule := rel(q.ImportPath)
				if inModule {
					return matches(never, qr)
				}
				return matches(never, q.ImportPath)
			}
			if chain := findChain(pkgs, path, target); chain != nil {
				problems = append(problems, fmt.Sprintf("%s must never depend on %s, even indirectly: %s", name(r), never, strings.Join(chain, " → ")))
			}
		}
	}
	return problems
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// findChain returns the shortest import chain (production imports) from
// package from to a package for which target is true, or nil.
func findChain(pkgs map[string]*listedPackage, from string, target func(*listedPackage) bool) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		p := pkgs[cur]
		if p == nil {
			continue
		}
		if cur != from && target(p) {
			var chain []string
			for at := cur; at != ""; at = prev[at] {
				chain = append(chain, at)
			}
			slices.Reverse(chain)
			return chain
		}
		for _, imp := range p.Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

// checkLayoutUse parses the importers of layoutOnly (their non-test
// files) and reports any other identifier they use of the package.
func checkLayoutUse(pkgs map[string]*listedPackage) []string {
	var problems []string
	for pair, allowed := range layoutOnly {
		importer, ok := pkgs[module+"/"+pair[0]]
		if !ok {
			continue
		}
		want := module + "/" + pair[1]
		fset := token.NewFileSet()
		for _, file := range importer.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(importer.Dir, file), nil, parser.SkipObjectResolution)
			if err != nil {
				problems = append(problems, err.Error())
				continue
			}
			local := ""
			for _, spec := range f.Imports {
				if path, _ := strconv.Unquote(spec.Path.Value); path == want {
					local = filepath.Base(want)
					if spec.Name != nil {
						local = spec.Name.Name
					}
				}
			}
			if local == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && !slices.Contains(allowed, sel.Sel.Name) {
					problems = append(problems, fmt.Sprintf("%s uses %s.%s at %s; it may use only the %s's layout types (%s): %s → %s",
						pair[0], pair[1], sel.Sel.Name, fset.Position(sel.Pos()), pair[1], strings.Join(allowed, ", "), importer.ImportPath, want))
				}
				return true
			})
		}
	}
	slices.Sort(problems)
	return problems
}

// The checks fail, naming the chain, on a graph that breaks the rules.
func TestImportRulesCatchBreaches(t *testing.T) {
	m := func(r string) string {
		if r == "" {
			return module
		}
		return module + "/" + r
	}
	pkgs := map[string]*listedPackage{}
	add := func(path string, standard bool, imports ...string) {
		pkgs[path] = &listedPackage{ImportPath: path, Standard: standard, Imports: imports}
	}
	add(m(""), false, "fmt")
	add("fmt", true)
	add(m("api"), false, m(""), m("blueprints"))
	add(m("blueprints"), false, m(""), m("postgres")) // the indirect way in
	add(m("postgres"), false, m(""))
	add(m("safehttp"), false, "golang.org/x/net/idna")
	add("golang.org/x/net/idna", false)
	add(m("edge"), false, m("builder"))
	add(m("builder"), false, "github.com/gohugoio/hugo/hugolib")
	add("github.com/gohugoio/hugo/hugolib", false)
	add(m("newpkg"), false)
	rules := []importRule{
		{pkg: "", stdlib: true},
		{pkg: "api", may: []string{"", "blueprints"}, never: []string{"postgres"}},
		{pkg: "blueprints", may: []string{""}},
		{pkg: "postgres", may: []string{""}},
		{pkg: "safehttp", stdlib: true},
		{pkg: "edge", may: []string{""}, never: []string{"github.com/gohugoio/hugo"}},
		{pkg: "builder", may: []string{""}},
	}
	got := strings.Join(checkImports(pkgs, rules), "\n")
	for _, want := range []string{
		"api must never depend on postgres, even indirectly: " + m("api") + " → " + m("blueprints") + " → " + m("postgres"),
		"blueprints may not import postgres (it may import the root package; DESIGN.md's package table): " + m("blueprints") + " → " + m("postgres"),
		"safehttp may import the standard library only: " + m("safehttp") + " → golang.org/x/net/idna",
		"edge may not import builder",
		"edge must never depend on github.com/gohugoio/hugo, even indirectly: " + m("edge") + " → " + m("builder") + " → github.com/gohugoio/hugo/hugolib",
		"newpkg has no row in the import rules",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the problems do not say %q; they are:\n%s", want, got)
		}
	}
	if strings.Contains(got, "the root package may") {
		t.Errorf("the root package, which imports only fmt, was reported:\n%s", got)
	}
}
