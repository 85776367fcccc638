package offline

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/igny8/igny8/ai"
)

// Image sizes: the default is a social card; the limit keeps a request
// from asking for gigabytes.
const (
	DefaultWidth  = 1200
	DefaultHeight = 630
	MaxSide       = 4096
)

// Image draws an abstract illustration of exactly the requested size
// (DefaultWidth x DefaultHeight when unset): a soft gradient, a sun and
// rolling bands in a palette derived from a hash of the prompt, so the
// same prompt always gives the same PNG.
func (*Provider) Image(ctx context.Context, req ai.ImageRequest) (*ai.ImageResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w, h := req.Width, req.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = DefaultHeight
	}
	if w > MaxSide || h > MaxSide {
		return nil, &ai.Error{Kind: ai.BadRequest,
			Message: fmt.Sprintf("An image of %dx%d pixels is too large; each side may be at most %d pixels.", w, h, MaxSide),
			Detail:  fmt.Sprintf("offline: image %dx%d exceeds %d", w, h, MaxSide)}
	}
	img := illustrate(newRNG("image", req.Prompt), w, h)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("offline: encode image: %w", err)
	}
	return &ai.ImageResponse{Data: buf.Bytes(), ContentType: "image/png", Width: w, Height: h, Model: Model, Offline: true}, nil
}

// canvas is an opaque RGBA image with alpha blending of flat colours.
type canvas struct {
	*image.RGBA
	w, h int
}

// blend mixes c into the pixel at x, y with opacity a (0–1).
func (c canvas) blend(x, y int, col color.RGBA, a float64) {
	if a <= 0 || x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	c.blend8(x, y, col, int(math.Min(a, 1)*256))
}

// blend8 is blend with an opacity of a/256, in integers.
func (c canvas) blend8(x, y int, col color.RGBA, a int) {
	i := y*c.Stride + x*4
	p := c.Pix[i : i+3 : i+3]
	p[0] = uint8(int(p[0]) + (int(col.R)-int(p[0]))*a>>8)
	p[1] = uint8(int(p[1]) + (int(col.G)-int(p[1]))*a>>8)
	p[2] = uint8(int(p[2]) + (int(col.B)-int(p[2]))*a>>8)
}

// illustrate draws the picture. Positions and sizes are fractions of the
// image, so one prompt gives the same picture at every size.
func illustrate(r *rng, w, h int) *image.RGBA {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h)), w, h}
	hue := r.float() * 360
	spread := 20 + r.float()*40 // analogous hues
	if r.intn(3) == 0 {
		spread = 150 + r.float()*60 // or a complementary accent
	}
	rgb := func(hh, s, l float64) color.RGBA {
		r, g, b := hsl(math.Mod(hh+360, 360), s, l)
		return color.RGBA{r, g, b, 255}
	}
	top := rgb(hue, 0.35, 0.9)
	bottom := rgb(hue+spread/3, 0.4, 0.78)
	sun := rgb(hue+spread, 0.7, 0.62)
	bands := []color.RGBA{rgb(hue, 0.35, 0.6), rgb(hue+spread/2, 0.4, 0.45), rgb(hue-spread/3, 0.45, 0.32)}

	// A gradient along a gentle diagonal.
	angle := (r.float()*0.5 + 0.25) * math.Pi
	dx, dy := math.Cos(angle), math.Sin(angle)
	span := math.Abs(dx)*float64(w) + math.Abs(dy)*float64(h)
	off := math.Min(0, dx*float64(w)) + math.Min(0, dy*float64(h))
	for y := range h {
		row := c.Pix[y*c.Stride:]
		for x := range w {
			t := (dx*float64(x) + dy*float64(y) - off) / span
			i := x * 4
			row[i] = uint8(float64(top.R) + (float64(bottom.R)-float64(top.R))*t)
			row[i+1] = uint8(float64(top.G) + (float64(bottom.G)-float64(top.G))*t)
			row[i+2] = uint8(float64(top.B) + (float64(bottom.B)-float64(top.B))*t)
			row[i+3] = 255
		}
	}

	// A sun, with a faint halo.
	scale := float64(min(w, h))
	cx, cy := (0.15+0.7*r.float())*float64(w), (0.18+0.25*r.float())*float64(h)
	rad := (0.12 + 0.1*r.float()) * scale
	disc(c, cx, cy, rad*1.6, sun, 0.15)
	disc(c, cx, cy, rad, sun, 0.9)

	// A few small circles, like distant birds or bubbles.
	for range r.between(3, 6) {
		disc(c, r.float()*float64(w), (0.05+0.4*r.float())*float64(h), (0.008+0.02*r.float())*scale, bands[r.intn(len(bands))], 0.35)
	}

	// Rolling bands, back to front.
	for i, col := range bands {
		base := (0.55 + 0.13*float64(i) + 0.05*r.float()) * float64(h)
		amp := (0.03 + 0.05*r.float()) * float64(h)
		freq := (1 + 2*r.float()) * 2 * math.Pi / float64(w)
		phase := r.float() * 2 * math.Pi
		freq2, amp2 := freq*(2.3+r.float()), amp*0.35
		for x := range w {
			edge := base + amp*math.Sin(freq*float64(x)+phase) + amp2*math.Sin(freq2*float64(x)+phase*1.7)
			y0 := max(int(edge), 0)
			// The edge pixel is partly covered, for a smooth line.
			c.blend(x, y0, col, float64(y0+1)-edge)
			for y := y0 + 1; y < h; y++ {
				c.blend8(x, y, col, 235) // 92% opaque
			}
		}
	}
	return c.RGBA
}

// disc fills an anti-aliased circle.
func disc(c canvas, cx, cy, rad float64, col color.RGBA, a float64) {
	x0, x1 := max(int(cx-rad-1), 0), min(int(cx+rad+1), c.w-1)
	y0, y1 := max(int(cy-rad-1), 0), min(int(cy+rad+1), c.h-1)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			if cov := rad - d + 0.5; cov > 0 {
				c.blend(x, y, col, a*math.Min(cov, 1))
			}
		}
	}
}
