package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/api"
)

// signupConfig is who may create an account through POST /v1/signup, and
// onto which plan.
type signupConfig struct {
	// Mode (IGNY8_SIGNUP): closed (the default, so an existing
	// installation does not open up), open, or invite.
	Mode igny8.SignupMode
	// Plan (IGNY8_SIGNUP_PLAN, default starter) is the slug of the plan new
	// accounts get, with its monthly credits at once. A slug with no plan
	// makes each sign-up fail with a problem that names it.
	Plan string
}

var planSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// loadSignupConfig reads IGNY8_SIGNUP and IGNY8_SIGNUP_PLAN, for
// loadConfig. It returns every problem at once, each saying what to set
// (the caller makes them a usage error).
func loadSignupConfig(getenv func(string) string) (signupConfig, error) {
	c := signupConfig{
		Mode: igny8.SignupMode(strings.ToLower(strings.TrimSpace(getenv("IGNY8_SIGNUP")))),
		Plan: strings.TrimSpace(getenv("IGNY8_SIGNUP_PLAN")),
	}
	if c.Mode == "" {
		c.Mode = igny8.SignupClosed
	}
	if c.Plan == "" {
		c.Plan = "starter"
	}
	var errs []error
	if !c.Mode.Valid() {
		errs = append(errs, fmt.Errorf("IGNY8_SIGNUP=%q: want closed (only administrators create accounts), open (anyone may sign up) or invite (sign-up needs an invite code from `igny8 invite`)", getenv("IGNY8_SIGNUP")))
	}
	if !planSlug.MatchString(c.Plan) {
		errs = append(errs, fmt.Errorf("IGNY8_SIGNUP_PLAN=%q: want the slug of a plan, such as starter", c.Plan))
	}
	return c, errors.Join(errs...)
}

// signupLimiter allows each client address 5 sign-ups an hour; nil
// without Redis.
func signupLimiter(rdb *redis.Client) api.Limiter {
	if rdb == nil {
		return nil
	}
	return &api.RedisLimiter{Client: rdb, Limit: 5, Window: time.Hour, Prefix: "igny8:rl:signup:"}
}
