package offline

import "hash/fnv"

// rng is a small deterministic generator (SplitMix64) seeded with an FNV
// hash of the input. It is written out here rather than taken from
// math/rand so that the same input gives the same bytes with every Go
// version.
type rng struct{ s uint64 }

// newRNG seeds a generator with the hash of parts.
func newRNG(parts ...string) *rng {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return &rng{s: h.Sum64()}
}

// fork returns a generator for a sub-task, so that adding draws in one
// part of a page does not change every part after it.
func (r *rng) fork(label string) *rng {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(r.s >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(label))
	return &rng{s: h.Sum64()}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); 0 when n <= 0.
func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// perm returns a permutation of [0, n).
func (r *rng) perm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// pick returns one of xs ("" when there is none).
func (r *rng) pick(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[r.intn(len(xs))]
}

// deck deals the strings of a bank in a shuffled order without repeats
// until every one has been dealt, then reshuffles.
type deck struct {
	r     *rng
	items []string
	order []int
	i     int
}

func newDeck(r *rng, items []string) *deck { return &deck{r: r, items: items} }

func (d *deck) next() string {
	if len(d.items) == 0 {
		return ""
	}
	if d.i >= len(d.order) {
		last := -1
		if d.order != nil {
			last = d.order[len(d.order)-1]
		}
		d.reshuffle()
		// Never the same string twice in a row across a reshuffle.
		if len(d.order) > 1 && d.order[0] == last {
			d.order[0], d.order[1] = d.order[1], d.order[0]
		}
	}
	s := d.items[d.order[d.i]]
	d.i++
	return s
}

// reshuffle starts a new round of the deck.
func (d *deck) reshuffle() { d.order, d.i = d.r.perm(len(d.items)), 0 }

// left reports how many strings are dealt before the deck repeats.
func (d *deck) left() int {
	if d.order == nil {
		return len(d.items)
	}
	return len(d.order) - d.i
}
