package edge

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// The raw path answers the commonest requests of all, plain HTTP/1.1 GETs
// of a cached file of the live deploy (200, or 304 to If-None-Match), with
// a response rendered from a
// header block built once per file and representation: no header map, no
// sorting, no formatting, one write. net/http still sees a response (a
// 204 it renders and the connection discards), so it keeps running the
// connection: keep-alive, timeouts, the next request. Everything else, and
// anything unusual about the request, takes the ordinary path, which
// decides afresh; a test compares the two answer for answer.

// serveRaw answers r on the raw path and returns the deploy that answered,
// the status and the body size, or reports false having written nothing.
func (s *Server) serveRaw(w http.ResponseWriter, r *http.Request, now time.Time) (d *deploy, status, n int, ok bool) {
	cc := requestConn(r)
	if cc == nil || !cc.raw || s.slowPath || r.Method != http.MethodGet || r.ProtoMajor != 1 || r.ProtoMinor != 1 ||
		r.Close || r.ContentLength != 0 || r.TransferEncoding != nil {
		return nil, 0, 0, false
	}
	for k, v := range r.Header {
		switch k {
		case "Range", "If-Match", "If-Range", "If-Unmodified-Since", "Expect":
			return nil, 0, 0, false
		case "Connection":
			if len(v) != 1 || !strings.EqualFold(v[0], "keep-alive") {
				return nil, 0, 0, false
			}
		case "X-Forwarded-Proto":
			if s.cfg.TrustForwardedProto {
				return nil, 0, 0, false // maybe HSTS
			}
		}
	}
	if strings.Contains(r.Host, "--") {
		return nil, 0, 0, false // maybe a preview
	}
	ctx := r.Context()
	siteID, err := s.lookupHost(ctx, r.Host)
	if err != nil || siteID == "" {
		return nil, 0, 0, false
	}
	v, err := s.current(ctx, s.site(siteID))
	if err != nil || v.live == nil {
		return nil, 0, 0, false
	}
	d = v.live
	p, code := cleanPath(r.URL)
	if code != 0 {
		return nil, 0, 0, false
	}
	t := resolve(d.m, p)
	if t.file == "" {
		return nil, 0, 0, false
	}
	esc := r.URL.EscapedPath()
	if s.ruleMayApply(r, d, esc) {
		return nil, 0, 0, false
	}
	var hs [][2]string // the site's headers for the path
	if d.headers.Len() > 0 {
		hs = d.headers.Headers(esc)
	}
	e := d.files[t.file]
	if e.Size > s.cfg.CacheMaxObject {
		return nil, 0, 0, false
	}
	rep := repIdentity
	if len(e.Encodings) > 0 {
		rep = repIndex(negotiate(r.Header.Get("Accept-Encoding"), e.Encodings))
	}
	respond := func() {
		w.WriteHeader(http.StatusNoContent)
		http.NewResponseController(w).Flush()
	}
	// If-None-Match, else If-Modified-Since, as in serveSmall; a 304
	// reads no blob.
	if notModified(r, e.etags[rep][0], e.modtime) {
		head := append(cc.head[:0], "HTTP/1.1 304 Not Modified\r\n"...)
		head = append(head, s.dates.line(now)...)
		head = append(head, e.rawHeader(d, rep, nil, hs)...)
		cc.head = head
		cc.sendRaw(head, nil, respond)
		return d, http.StatusNotModified, 0, true
	}
	it, err := s.blob(ctx, d.bucket, e.keys[rep])
	if err != nil || rep == repIdentity && int64(len(it.data)) != e.Size {
		return nil, 0, 0, false // the ordinary path reports it
	}
	head := append(cc.head[:0], "HTTP/1.1 200 OK\r\n"...)
	head = append(head, s.dates.line(now)...)
	head = append(head, e.rawHeader(d, rep, it.clen, hs)...)
	cc.head = head
	cc.sendRaw(head, it.data, respond)
	return d, http.StatusOK, len(it.data), true
}

// ruleMayApply reports whether a redirect rule of d may decide a request
// for a path that has a file: a forced rule that matches, or a rule with
// a Language or Country condition that was weighed, whose answer varies.
// The ordinary path answers those.
func (s *Server) ruleMayApply(r *http.Request, d *deploy, esc string) bool {
	if d.redirects.Len() == 0 {
		return false
	}
	m, ok := d.redirects.Lookup(s.ruleRequest(r, esc, true))
	return ok || m.Vary != 0
}

// rawHeader returns the header lines of a 200 of e's representation rep
// from d, ending with the blank line: the same fields the ordinary path
// sets, in net/http's order and escaping, built on first use. clen is the
// representation's Content-Length; nil asks for the lines of a 304, which
// leaves out the fields of the body. hs are the site's headers for the
// path (HeaderTable.Headers), applied as applySiteHeaders does; the block
// built with them is kept until another path of the file asks with other
// ones.
func (e *entry) rawHeader(d *deploy, rep int, clen []string, hs [][2]string) []byte {
	if len(hs) > 0 {
		slot := &e.site[rep]
		if clen == nil {
			slot = &e.site304[rep]
		}
		if sb := slot.Load(); sb != nil && sameHeaders(sb.headers, hs) {
			return sb.b
		}
		b := e.buildRawHeader(d, rep, clen, hs)
		slot.Store(&siteBlock{headers: hs, b: b})
		return b
	}
	slot := &e.raw[rep]
	if clen == nil {
		slot = &e.raw304[rep]
	}
	if b := slot.Load(); b != nil {
		return *b
	}
	b := e.buildRawHeader(d, rep, clen, nil)
	slot.Store(&b)
	return b
}

// buildRawHeader renders the block rawHeader returns.
func (e *entry) buildRawHeader(d *deploy, rep int, clen []string, hs [][2]string) []byte {
	h := http.Header{
		"X-Content-Type-Options": hdrNosniff,
		"Referrer-Policy":        hdrReferrer,
		"X-Frame-Options":        hdrFrame,
		"Permissions-Policy":     hdrPermissions,
		"X-Deploy-Id":            d.deployHdr,
		"Surrogate-Key":          d.surrogateHdr,
		"Content-Type":           e.ctype,
		"Cache-Control":          e.cache,
		"Etag":                   e.etags[rep],
		"Accept-Ranges":          hdrAcceptRanges,
		"Content-Length":         clen,
	}
	if ct := siteContentType(hs); ct != nil {
		h["Content-Type"] = ct
	}
	if e.lastMod != nil {
		h["Last-Modified"] = e.lastMod
	}
	if len(e.Encodings) > 0 {
		h["Vary"] = hdrVaryEncoding
	}
	if rep != repIdentity {
		h["Content-Encoding"] = hdrEncoding[rep]
	}
	if clen == nil {
		// As ServeContent's 304 (and serveSmall's): no body fields, and
		// no Last-Modified beside the ETag.
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Accept-Ranges", "Last-Modified"} {
			delete(h, k)
		}
	}
	applySiteHeaders(h, hs)
	var buf bytes.Buffer
	h.Write(&buf)
	buf.WriteString("\r\n")
	return buf.Bytes()
}

// sameHeaders reports whether two results of HeaderTable.Headers are
// equal, at once when they are the same list.
func sameHeaders(a, b [][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0] || slices.Equal(a, b)
}

// dateCache holds the Date header line of the current second.
type dateCache struct {
	cur atomic.Pointer[dateLine]
}

type dateLine struct {
	sec  int64
	line []byte
}

// line returns "Date: <now in http.TimeFormat>\r\n".
func (c *dateCache) line(now time.Time) []byte {
	sec := now.Unix()
	if d := c.cur.Load(); d != nil && d.sec == sec {
		return d.line
	}
	b := append([]byte("Date: "), now.UTC().AppendFormat(nil, http.TimeFormat)...)
	b = append(b, "\r\n"...)
	c.cur.Store(&dateLine{sec: sec, line: b})
	return b
}
