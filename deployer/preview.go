package deployer

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/igny8/igny8"
)

// previewSep separates the deploy id from the site slug in a preview host.
// Deploy ids never contain it.
const previewSep = "--"

// PreviewOptions restrict a deploy's preview host.
type PreviewOptions struct {
	ExpiresAt time.Time // zero: never expires
	Password  string    // empty: no password; stored only as a bcrypt hash
}

func (o PreviewOptions) preview() (*Preview, error) {
	p := &Preview{ExpiresAt: o.ExpiresAt.UTC()}
	if o.ExpiresAt.IsZero() {
		p.ExpiresAt = time.Time{}
	}
	if o.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(o.Password), bcrypt.DefaultCost)
		if errors.Is(err, bcrypt.ErrPasswordTooLong) {
			return nil, igny8.Errorf(igny8.EInvalid, "The preview password is longer than 72 bytes.")
		} else if err != nil {
			return nil, fmt.Errorf("hash preview password: %w", err)
		}
		p.PasswordHash = string(h)
	}
	return p, nil
}

// PreviewHost returns the host name of a deploy's preview:
// <deploy-id>--<site-slug>.<sites-domain>, lowercased.
func PreviewHost(deployID, siteSlug, sitesDomain string) string {
	return strings.ToLower(deployID + previewSep + siteSlug + "." + strings.TrimSuffix(sitesDomain, "."))
}

// ParsePreviewHost is the inverse of PreviewHost: it returns the deploy id
// (canonical form) and site slug of a preview host under sitesDomain, and
// ok false for any other host. A port and a trailing dot are ignored.
func ParsePreviewHost(host, sitesDomain string) (deployID, siteSlug string, ok bool) {
	name := strings.TrimPrefix(HostKey(host), HostPrefix)
	suffix := "." + strings.TrimSuffix(strings.ToLower(sitesDomain), ".")
	label, found := strings.CutSuffix(name, suffix)
	if !found || strings.Contains(label, ".") {
		return "", "", false
	}
	id, slug, found := strings.Cut(label, previewSep)
	if !found || slug == "" {
		return "", "", false
	}
	id, _, err := ParseDeployID(id)
	if err != nil {
		return "", "", false
	}
	return id, slug, true
}

// ErrPreviewExpired and ErrPreviewPassword are the failures of
// CheckPreviewAccess.
var (
	ErrPreviewExpired  = &igny8.Error{Code: igny8.EForbidden, Message: "This preview has expired."}
	ErrPreviewPassword = &igny8.Error{Code: igny8.EUnauthorized, Message: "This preview needs its password."}
)

// CheckPreviewAccess says whether a visitor with password may see the
// preview of m at now. A deploy without preview rules is open.
func CheckPreviewAccess(m *Manifest, now time.Time, password string) error {
	p := m.Preview
	if p == nil {
		return nil
	}
	if !p.ExpiresAt.IsZero() && !now.Before(p.ExpiresAt) {
		return ErrPreviewExpired
	}
	if p.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(p.PasswordHash), []byte(password)) != nil {
		return ErrPreviewPassword
	}
	return nil
}
