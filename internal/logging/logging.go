// Package logging is how the provider logs: through tflog, with the provider's
// secrets masked, and safe for concurrent use.
//
// tflog's own masking (MaskAllFieldValuesStrings and friends) rewrites the
// context's field map in place on every log call (terraform-plugin-log#246),
// so goroutines that log through one masked context race, and the Go runtime
// ends the process with "concurrent map iteration and map write". Here the
// masks live in the context as an immutable value and are applied to copies:
// tflog itself never carries a mask, and its field maps are only ever read.
// Every package logs through this one; a test checks that none imports tflog.
package logging

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Masked replaces a secret, or the value of a field that may hold one.
const Masked = "***"

// secretKeys are the field keys whose values are masked whatever they hold.
var secretKeys = []string{"secret_key", "security_token", "Authorization", "X-TC-Token", "X-Security-Token"}

type masksKey struct{}

// masks is never changed once it is in a context: WithSecrets stores a new one.
type masks struct{ secrets []string }

// WithSecrets returns ctx in which every message and field logged has each
// non-empty secret replaced by Masked.
func WithSecrets(ctx context.Context, secrets ...string) context.Context {
	m := masksOf(ctx)
	next := &masks{secrets: slices.Clone(m.secrets)}
	for _, s := range secrets {
		if s != "" && !slices.Contains(next.secrets, s) {
			next.secrets = append(next.secrets, s)
		}
	}
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(next.secrets, func(a, b string) int { return len(b) - len(a) })
	return context.WithValue(ctx, masksKey{}, next)
}

func masksOf(ctx context.Context) *masks {
	if m, ok := ctx.Value(masksKey{}).(*masks); ok {
		return m
	}
	return &masks{}
}

func (m *masks) string(s string) string {
	for _, secret := range m.secrets {
		s = strings.ReplaceAll(s, secret, Masked)
	}
	return s
}

// value masks one field value. Errors and Stringers are logged as their text,
// masked: the SDKs' errors can quote a request.
func (m *masks) value(key string, v any) any {
	if slices.Contains(secretKeys, key) {
		return Masked
	}
	switch x := v.(type) {
	case string:
		return m.string(x)
	case error:
		return m.string(x.Error())
	case fmt.Stringer:
		return m.string(x.String())
	}
	return v
}

// SetField returns ctx with a field on every later log line, its value
// masked now: tflog copies the context's fields, so ctx is left as it was.
func SetField(ctx context.Context, key string, value any) context.Context {
	return tflog.SetField(ctx, key, masksOf(ctx).value(key, value))
}

// fields merges a call's field maps into one new map, masked; the callers'
// maps are never written.
func (m *masks) fields(fieldMaps []map[string]any) map[string]any {
	out := make(map[string]any)
	for _, f := range fieldMaps {
		maps.Copy(out, f)
	}
	for k, v := range out {
		out[k] = m.value(k, v)
	}
	return out
}

// Trace logs at TRACE.
func Trace(ctx context.Context, msg string, fields ...map[string]any) {
	emit(tflog.Trace, ctx, msg, fields)
}

// Debug logs at DEBUG.
func Debug(ctx context.Context, msg string, fields ...map[string]any) {
	emit(tflog.Debug, ctx, msg, fields)
}

// Info logs at INFO.
func Info(ctx context.Context, msg string, fields ...map[string]any) {
	emit(tflog.Info, ctx, msg, fields)
}

// Warn logs at WARN.
func Warn(ctx context.Context, msg string, fields ...map[string]any) {
	emit(tflog.Warn, ctx, msg, fields)
}

func emit(log func(context.Context, string, ...map[string]any), ctx context.Context, msg string, fields []map[string]any) {
	m := masksOf(ctx)
	log(ctx, m.string(msg), m.fields(fields))
}
