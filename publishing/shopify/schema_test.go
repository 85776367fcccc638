package shopify

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// The Admin API schema of APIVersion, as Shopify's introspection answer
// (see testdata/README.md for where it comes from).
const schemaFile = "testdata/admin_2026-07.json.gz"

// introspection is the part of an introspection answer the tests read,
// plus Shopify's requiredAccess notes.
type introspection struct {
	Data struct {
		Schema struct {
			QueryType        *struct{ Name string } `json:"queryType"`
			MutationType     *struct{ Name string } `json:"mutationType"`
			SubscriptionType *struct{ Name string } `json:"subscriptionType"`
			Types            []introType            `json:"types"`
			Directives       []struct {
				Name         string       `json:"name"`
				Locations    []string     `json:"locations"`
				Args         []introInput `json:"args"`
				IsRepeatable bool         `json:"isRepeatable"`
			} `json:"directives"`
		} `json:"__schema"`
	} `json:"data"`
}

type introType struct {
	Kind          string       `json:"kind"`
	Name          string       `json:"name"`
	IsOneOf       *bool        `json:"isOneOf"`
	Fields        []introField `json:"fields"`
	InputFields   []introInput `json:"inputFields"`
	Interfaces    []introRef   `json:"interfaces"`
	PossibleTypes []introRef   `json:"possibleTypes"`
	EnumValues    []struct {
		Name              string  `json:"name"`
		IsDeprecated      bool    `json:"isDeprecated"`
		DeprecationReason *string `json:"deprecationReason"`
	} `json:"enumValues"`
}

type introField struct {
	Name              string       `json:"name"`
	Args              []introInput `json:"args"`
	Type              introRef     `json:"type"`
	IsDeprecated      bool         `json:"isDeprecated"`
	DeprecationReason *string      `json:"deprecationReason"`
	RequiredAccess    *string      `json:"requiredAccess"`
}

type introInput struct {
	Name              string   `json:"name"`
	Type              introRef `json:"type"`
	DefaultValue      *string  `json:"defaultValue"`
	IsDeprecated      bool     `json:"isDeprecated"`
	DeprecationReason *string  `json:"deprecationReason"`
}

type introRef struct {
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
	OfType *introRef `json:"ofType"`
}

// String writes a type reference as SDL: [X!]!.
func (r introRef) String() string {
	switch r.Kind {
	case "NON_NULL":
		return r.OfType.String() + "!"
	case "LIST":
		return "[" + r.OfType.String() + "]"
	}
	return r.Name
}

// adminSchema is the parsed schema file, loaded once for all tests.
var adminSchema = sync.OnceValues(func() (*schemaInfo, error) {
	f, err := os.Open(schemaFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var in introspection
	if err := json.NewDecoder(zr).Decode(&in); err != nil {
		return nil, fmt.Errorf("decode %s: %w", schemaFile, err)
	}
	sdl := introspectionSDL(&in)
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: schemaFile, Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("load the SDL made from %s: %w", schemaFile, err)
	}
	info := &schemaInfo{Schema: schema, access: map[string]string{}}
	for _, t := range in.Data.Schema.Types {
		for _, f := range t.Fields {
			if f.RequiredAccess != nil {
				info.access[t.Name+"."+f.Name] = *f.RequiredAccess
			}
		}
	}
	return info, nil
})

// schemaInfo is the schema and what Shopify says each field needs.
type schemaInfo struct {
	*ast.Schema
	access map[string]string // "Type.field" → requiredAccess text
}

func mustSchema(tb testing.TB) *schemaInfo {
	tb.Helper()
	s, err := adminSchema()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// introspectionSDL writes an introspection answer as SDL that gqlparser
// loads: every type and directive except those its prelude declares
// (built-in scalars, @skip, @include, @deprecated, …), with deprecations
// kept as @deprecated so the tests can refuse deprecated fields.
// Descriptions are left out.
func introspectionSDL(in *introspection) string {
	prelude := map[string]bool{}
	pd := validator.PreludeDocument()
	for _, d := range pd.Definitions {
		prelude[d.Name] = true
	}
	preludeDirectives := map[string]bool{}
	for _, d := range pd.Directives {
		preludeDirectives[d.Name] = true
	}

	var b strings.Builder
	s := in.Data.Schema
	b.WriteString("schema {\n")
	if s.QueryType != nil {
		fmt.Fprintf(&b, "  query: %s\n", s.QueryType.Name)
	}
	if s.MutationType != nil {
		fmt.Fprintf(&b, "  mutation: %s\n", s.MutationType.Name)
	}
	if s.SubscriptionType != nil {
		fmt.Fprintf(&b, "  subscription: %s\n", s.SubscriptionType.Name)
	}
	b.WriteString("}\n")
	for _, d := range s.Directives {
		if preludeDirectives[d.Name] {
			continue
		}
		fmt.Fprintf(&b, "directive @%s%s", d.Name, inputsSDL(d.Args))
		if d.IsRepeatable {
			b.WriteString(" repeatable")
		}
		fmt.Fprintf(&b, " on %s\n", strings.Join(d.Locations, " | "))
	}
	for _, t := range s.Types {
		if prelude[t.Name] || strings.HasPrefix(t.Name, "__") {
			continue
		}
		switch t.Kind {
		case "SCALAR":
			fmt.Fprintf(&b, "scalar %s\n", t.Name)
		case "ENUM":
			fmt.Fprintf(&b, "enum %s {\n", t.Name)
			for _, v := range t.EnumValues {
				fmt.Fprintf(&b, "  %s%s\n", v.Name, deprecated(v.IsDeprecated, v.DeprecationReason))
			}
			b.WriteString("}\n")
		case "UNION":
			var names []string
			for _, p := range t.PossibleTypes {
				names = append(names, p.Name)
			}
			fmt.Fprintf(&b, "union %s = %s\n", t.Name, strings.Join(names, " | "))
		case "INPUT_OBJECT":
			oneOf := ""
			if t.IsOneOf != nil && *t.IsOneOf {
				oneOf = " @oneOf"
			}
			fmt.Fprintf(&b, "input %s%s {\n", t.Name, oneOf)
			for _, f := range t.InputFields {
				fmt.Fprintf(&b, "  %s: %s%s%s\n", f.Name, f.Type, defaultValue(f.DefaultValue), deprecated(f.IsDeprecated, f.DeprecationReason))
			}
			b.WriteString("}\n")
		case "OBJECT", "INTERFACE":
			kw := "type"
			if t.Kind == "INTERFACE" {
				kw = "interface"
			}
			fmt.Fprintf(&b, "%s %s", kw, t.Name)
			if len(t.Interfaces) > 0 {
				var names []string
				for _, i := range t.Interfaces {
					names = append(names, i.Name)
				}
				fmt.Fprintf(&b, " implements %s", strings.Join(names, " & "))
			}
			b.WriteString(" {\n")
			for _, f := range t.Fields {
				fmt.Fprintf(&b, "  %s%s: %s%s\n", f.Name, inputsSDL(f.Args), f.Type, deprecated(f.IsDeprecated, f.DeprecationReason))
			}
			b.WriteString("}\n")
		}
	}
	return b.String()
}

func inputsSDL(args []introInput) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprintf("%s: %s%s%s", a.Name, a.Type, defaultValue(a.DefaultValue), deprecated(a.IsDeprecated, a.DeprecationReason))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func defaultValue(v *string) string {
	if v == nil {
		return ""
	}
	return " = " + *v
}

func deprecated(is bool, reason *string) string {
	if !is {
		return ""
	}
	if reason == nil {
		return " @deprecated"
	}
	r, _ := json.Marshal(*reason)
	return " @deprecated(reason: " + string(r) + ")"
}

// TestOperationsValidate validates every operation the package sends
// against the real Admin API schema, and refuses deprecated fields and
// arguments: they disappear in a later version.
func TestOperationsValidate(t *testing.T) {
	t.Parallel()
	schema := mustSchema(t)
	names := map[string]bool{}
	for _, op := range operations {
		t.Run(op.name, func(t *testing.T) {
			if names[op.name] {
				t.Fatalf("two operations are named %s", op.name)
			}
			names[op.name] = true
			doc, errs := gqlparser.LoadQueryWithRules(schema.Schema, op.query, nil)
			if len(errs) > 0 {
				t.Fatalf("%s does not validate against %s:\n%v", op.name, schemaFile, errs)
			}
			if len(doc.Operations) != 1 || doc.Operations[0].Name != op.name {
				t.Fatalf("%s: the document must hold one operation named %s", op.name, op.name)
			}
			for _, use := range deprecatedUses(doc.Operations[0].SelectionSet, nil) {
				t.Errorf("%s uses deprecated %s", op.name, use)
			}
		})
	}
}

// deprecatedUses lists the deprecated fields and arguments a selection
// set uses.
func deprecatedUses(set ast.SelectionSet, uses []string) []string {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Definition != nil {
				if s.Definition.Directives.ForName("deprecated") != nil {
					uses = append(uses, "field "+s.ObjectDefinition.Name+"."+s.Name)
				}
				for _, a := range s.Arguments {
					if d := s.Definition.Arguments.ForName(a.Name); d != nil && d.Directives.ForName("deprecated") != nil {
						uses = append(uses, "argument "+s.Name+"("+a.Name+")")
					}
				}
			}
			uses = deprecatedUses(s.SelectionSet, uses)
		case *ast.InlineFragment:
			uses = deprecatedUses(s.SelectionSet, uses)
		case *ast.FragmentSpread:
			uses = deprecatedUses(s.Definition.SelectionSet, uses)
		}
	}
	return uses
}

// TestOperationsScopes checks that the scopes Check requires cover what
// the schema says each root field of each operation needs.
func TestOperationsScopes(t *testing.T) {
	t.Parallel()
	schema := mustSchema(t)
	scopeRE := regexp.MustCompile("`([a-z_]+)`")
	granted := func(s string) bool {
		for _, alts := range requiredScopes {
			// write_x grants read_x too.
			if slices.Contains(alts, s) || strings.HasPrefix(s, "read_") && slices.Contains(alts, "write_"+strings.TrimPrefix(s, "read_")) {
				return true
			}
		}
		return false
	}
	for _, op := range operations {
		doc, errs := gqlparser.LoadQueryWithRules(schema.Schema, op.query, nil)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", op.name, errs)
		}
		root := "QueryRoot"
		if doc.Operations[0].Operation == ast.Mutation {
			root = "Mutation"
		}
		for _, sel := range doc.Operations[0].SelectionSet {
			f := sel.(*ast.Field)
			access := schema.access[root+"."+f.Name]
			// The notes read "`a` access scope, `b` access scope or `c`
			// access scope. Also: …": any one of the backquoted scopes
			// before "Also" will do.
			access, _, _ = strings.Cut(access, "Also:")
			m := scopeRE.FindAllStringSubmatch(access, -1)
			if len(m) == 0 {
				continue
			}
			ok := slices.ContainsFunc(m, func(s []string) bool { return granted(s[1]) })
			if !ok {
				t.Errorf("%s: %s.%s needs %q, which the required scopes do not grant", op.name, root, f.Name, access)
			}
		}
	}
}

// TestSchemaCatchesMistakes shows the validation has teeth: a field the
// schema lacks, a wrong argument type and a deprecated field are caught.
func TestSchemaCatchesMistakes(t *testing.T) {
	t.Parallel()
	schema := mustSchema(t)
	for _, q := range []string{
		`query A { shop { nameX } }`,
		`query B($h: Int!) { productByIdentifier(identifier: {handle: $h}) { id } }`,
		`mutation C($p: PageCreateInput!) { pageCreate(page: $p) { page { id } userErrors { field message bogus } } }`,
	} {
		if _, errs := gqlparser.LoadQueryWithRules(schema.Schema, q, nil); len(errs) == 0 {
			t.Errorf("%s validated; it should not", q)
		}
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema.Schema, `query D($h: String!) { productByHandle(handle: $h) { id } }`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := deprecatedUses(doc.Operations[0].SelectionSet, nil); len(got) != 1 {
		t.Errorf("deprecated uses of productByHandle: got %v, want one", got)
	}
}
