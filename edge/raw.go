package edge

import (
	"bytes"
	"net/http"
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
		case "Range", "If-Match", "If-Range", "Expect":
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
	if t.file == "" || d.headers.Len() > 0 && len(d.headers.Headers(p)) > 0 || forcedRule(r, d) {
		return nil, 0, 0, false
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
	// With no Last-Modified, If-None-Match is the only precondition that
	// applies (as in serveSmall); a 304 reads no blob.
	if inm := r.Header.Get("If-None-Match"); inm != "" && noneMatch(inm, e.etags[rep][0]) {
		head := append(cc.head[:0], "HTTP/1.1 304 Not Modified\r\n"...)
		head = append(head, s.dates.line(now)...)
		head = append(head, e.rawHeader(d, rep, nil)...)
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
	head = append(head, e.rawHeader(d, rep, it.clen)...)
	cc.head = head
	cc.sendRaw(head, it.data, respond)
	return d, http.StatusOK, len(it.data), true
}

// forcedRule reports whether a forced redirect rule of d matches r: only
// those apply to a path that has a file.
func forcedRule(r *http.Request, d *deploy) bool {
	if d.redirects.Len() == 0 {
		return false
	}
	req := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		req += "?" + r.URL.RawQuery
	}
	m, ok := d.redirects.Match(req)
	return ok && m.Force
}

// rawHeader returns the header lines of a 200 of e's representation rep
// from d, ending with the blank line: the same fields the ordinary path
// sets, in net/http's order and escaping, built on first use. clen is the
// representation's Content-Length; nil asks for the lines of a 304, which
// leaves out the fields of the body.
func (e *entry) rawHeader(d *deploy, rep int, clen []string) []byte {
	slot := &e.raw[rep]
	if clen == nil {
		slot = &e.raw304[rep]
	}
	if b := slot.Load(); b != nil {
		return *b
	}
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
	if len(e.Encodings) > 0 {
		h["Vary"] = hdrVaryEncoding
	}
	if rep != repIdentity {
		h["Content-Encoding"] = hdrEncoding[rep]
	}
	if clen == nil {
		// As ServeContent's 304 (and serveSmall's).
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Accept-Ranges"} {
			delete(h, k)
		}
	}
	var buf bytes.Buffer
	h.Write(&buf)
	buf.WriteString("\r\n")
	b := buf.Bytes()
	slot.Store(&b)
	return b
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
