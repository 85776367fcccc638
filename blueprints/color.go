package blueprints

import (
	"math"
	"strconv"
)

// Luminance returns the WCAG relative luminance of a #rrggbb colour, or -1
// if it is not one.
func Luminance(hex string) float64 {
	if len(hex) != 7 || hex[0] != '#' {
		return -1
	}
	n, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return -1
	}
	ch := func(v uint64) float64 {
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(n>>16&0xff) + 0.7152*ch(n>>8&0xff) + 0.0722*ch(n&0xff)
}

// Contrast returns the WCAG contrast ratio of two #rrggbb colours (1 to 21),
// or 0 if either is not a colour.
func Contrast(a, b string) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < 0 || lb < 0 {
		return 0
	}
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// ReadableOn returns whichever of white and near-black contrasts more with
// the background colour bg.
func ReadableOn(bg string) string {
	const light, dark = "#ffffff", "#111827"
	if Contrast(light, bg) >= Contrast(dark, bg) {
		return light
	}
	return dark
}
