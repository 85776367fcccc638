package api

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/igny8/igny8"
)

// Field checks shared by the handlers: each returns a 400 *Problem
// pointing at the field, and joinProblems merges several into one.

// required wants a value that is not blank; what says what it is.
func required(pointer, value, what string) error {
	if strings.TrimSpace(value) == "" {
		return invalidField(pointer, fmt.Sprintf("%s is required: %s.", pointer, what))
	}
	return nil
}

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func oneOf(pointer, value string, allowed ...string) error {
	if value != "" && !slices.Contains(allowed, value) {
		return invalidField(pointer, fmt.Sprintf("%s must be one of %s.", pointer, strings.Join(allowed, ", ")))
	}
	return nil
}

func checkRole(pointer string, role igny8.Role) error {
	if !role.Valid() {
		return invalidField(pointer, fmt.Sprintf("%s must be one of owner, admin, editor, viewer.", pointer))
	}
	return nil
}

// joinProblems merges field problems into one 400 that lists them all.
func joinProblems(errs ...error) error {
	var fields []FieldProblem
	for _, err := range errs {
		var p *Problem
		if err == nil {
			continue
		}
		if !errors.As(err, &p) {
			return err
		}
		fields = append(fields, p.Errors...)
	}
	if len(fields) == 0 {
		return nil
	}
	if len(fields) == 1 {
		return problem(igny8.EInvalid, fields[0].Detail, fields...)
	}
	return problem(igny8.EInvalid, fmt.Sprintf("The request has %d problems; each is listed with its pointer.", len(fields)), fields...)
}
