package edge

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"sync"
)

// maxHeld is the most a held response keeps in memory before it goes out
// anyway; the rest of a larger response is written as it comes.
const maxHeld = 64 << 10

// heldBufs recycles the buffers of held responses.
var heldBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// NewListener wraps ln so that the edge can send a response held in
// memory as one write, status line, headers and body together, where
// net/http's 4 KiB connection buffer would split it into two writes (two
// TCP segments). It plays the part of nginx's tcp_nopush. Serving on an
// unwrapped listener is correct too, only slower. Use it for plain
// HTTP/1.1 listeners; a TLS listener wraps it, not the other way round.
func NewListener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

// conn is an accepted connection that can hold writes. Only its serving
// goroutine writes to it (net/http writes a connection from the goroutine
// that serves it), so held writes need no lock; Close may come from
// another goroutine and only closes.
type conn struct {
	net.Conn
	held *[]byte // pending bytes while holding, else nil
	err  error   // of the last release

	raw  bool   // the raw path may answer on it (connContext)
	head []byte // the raw path's response head, reused
	vec  net.Buffers
	// While capturing, writes are kept here instead of sent (sendRaw).
	capturing bool
	captured  [256]byte
	ncaptured int
}

// hold starts holding writes until release.
func (c *conn) hold() {
	if c.held == nil {
		c.held = heldBufs.Get().(*[]byte)
	}
}

// release writes what was held in one write and stops holding.
func (c *conn) release() {
	if c.held == nil {
		return
	}
	b := c.held
	c.held = nil
	if len(*b) > 0 {
		_, c.err = c.Conn.Write(*b)
	}
	if cap(*b) <= maxHeld {
		*b = (*b)[:0]
		heldBufs.Put(b)
	}
}

func (c *conn) Write(p []byte) (int, error) {
	if c.capturing {
		copy(c.captured[min(c.ncaptured, len(c.captured)):], p)
		c.ncaptured += len(p)
		return len(p), nil
	}
	if c.err != nil {
		return 0, c.err
	}
	if c.held == nil {
		return c.Conn.Write(p)
	}
	if len(*c.held)+len(p) > maxHeld {
		// Too big to hold: send what is held, then p as it is.
		c.release()
		if c.err != nil {
			return 0, c.err
		}
		return c.Conn.Write(p)
	}
	*c.held = append(*c.held, p...)
	return len(p), nil
}

// sendRaw sends head and body, a whole response rendered by the handler,
// as the response to the current request, in one write. respond must
// make net/http write a response without a body (a 204); that is
// captured instead of sent. If net/http was closing the connection after
// it, head says so too; if it wrote anything else, the connection is
// closed after the response, as no one can tell what it meant.
func (c *conn) sendRaw(head, body []byte, respond func()) {
	c.release()
	c.capturing, c.ncaptured = true, 0
	respond()
	c.capturing = false
	got := c.captured[:min(c.ncaptured, len(c.captured))]
	sane := c.ncaptured <= len(c.captured) && bytes.HasPrefix(got, []byte("HTTP/1.1 204 ")) && bytes.HasSuffix(got, []byte("\r\n\r\n"))
	if !sane || bytes.Contains(got, []byte("\r\nConnection: close\r\n")) {
		i := bytes.Index(head, []byte("\r\n")) + 2 // after the status line
		head = append(head[:i], append([]byte("Connection: close\r\n"), head[i:]...)...)
	}
	if c.err == nil {
		if tc, ok := c.Conn.(*net.TCPConn); ok {
			c.vec = append(c.vec[:0], head, body)
			_, c.err = c.vec.WriteTo(tc)
		} else {
			_, c.err = c.Conn.Write(append(head, body...))
		}
	}
	if !sane {
		c.Conn.Close()
	}
}

// CloseWrite sends anything held before half-closing, as net/http's
// closeWriteAndWait expects of a *net.TCPConn.
func (c *conn) CloseWrite() error {
	c.release()
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// connKey is the context key of a request's *conn.
type connKey struct{}

// connContext returns the http.Server's ConnContext: it lets a handler
// reach the connection it is answering on. raw says whether the server's
// handler is a *Server itself: the raw path writes past the
// ResponseWriter, which middleware around the Server would not see.
func connContext(raw bool) func(context.Context, net.Conn) context.Context {
	return func(ctx context.Context, c net.Conn) context.Context {
		if cc, ok := c.(*conn); ok {
			cc.raw = raw
			return context.WithValue(ctx, connKey{}, cc)
		}
		return ctx
	}
}

// connState is the http.Server's ConnState: nothing stays held once a
// response is over, whatever the handler did.
func connState(c net.Conn, st http.ConnState) {
	if cc, ok := c.(*conn); ok && (st == http.StateIdle || st == http.StateHijacked) {
		cc.release()
	}
}

// requestConn returns the *conn r arrived on, or nil.
func requestConn(r *http.Request) *conn {
	cc, _ := r.Context().Value(connKey{}).(*conn)
	return cc
}
