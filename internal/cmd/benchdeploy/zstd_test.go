package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/igny8/igny8/deployer"
)

// BenchmarkCompress compresses every file of the 10,000-file site of make
// bench-deploy once per iteration, one file after another on one core, as
// the deployer makes a variant of each compressible file: brotli at
// deployer.BrotliQuality and gzip at its default level (the variants the
// deployer stores today) and zstd (klauspost/compress) at each of its
// levels, to see whether a zstd variant is worth storing. Besides the time
// for the whole site it reports the bytes out (out-KiB), the output as a
// share of the input (%-of-input) and of brotli's output (%-of-br), and on
// how many files the codec beats brotli (files-smaller-than-br).
// make bench-zstd writes the results to docs/benchmarks.md.
func BenchmarkCompress(b *testing.B) {
	site := generateSite(10000, 0)
	var in int64
	for _, f := range site {
		in += int64(len(f.Data))
	}
	codecs := []struct {
		name string
		new  func() func(dst *bytes.Buffer, src []byte)
	}{
		{"br-5", func() func(*bytes.Buffer, []byte) {
			w := brotli.NewWriterLevel(nil, deployer.BrotliQuality)
			return func(dst *bytes.Buffer, src []byte) { w.Reset(dst); w.Write(src); w.Close() }
		}},
		{"gzip-6", func() func(*bytes.Buffer, []byte) {
			w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
			return func(dst *bytes.Buffer, src []byte) { w.Reset(dst); w.Write(src); w.Close() }
		}},
		{"zstd-1-fastest", zstdCodec(zstd.SpeedFastest)},
		{"zstd-3-default", zstdCodec(zstd.SpeedDefault)},
		{"zstd-7-better", zstdCodec(zstd.SpeedBetterCompression)},
		{"zstd-11-best", zstdCodec(zstd.SpeedBestCompression)},
	}
	// sizes returns each file's compressed size.
	sizes := func(compress func(*bytes.Buffer, []byte)) []int {
		var buf bytes.Buffer
		out := make([]int, len(site))
		for i, f := range site {
			buf.Reset()
			compress(&buf, f.Data)
			out[i] = buf.Len()
		}
		return out
	}
	sum := func(ns []int) (n int64) {
		for _, x := range ns {
			n += int64(x)
		}
		return n
	}
	br := sizes(codecs[0].new())
	brSize := sum(br)
	for _, c := range codecs {
		b.Run(c.name, func(b *testing.B) {
			compress := c.new()
			each := sizes(compress)
			out, smaller := sum(each), 0
			for i := range each {
				if each[i] < br[i] {
					smaller++
				}
			}
			b.SetBytes(in)
			b.ResetTimer()
			for b.Loop() {
				var buf bytes.Buffer
				for _, f := range site {
					buf.Reset()
					compress(&buf, f.Data)
				}
			}
			b.ReportMetric(float64(out)/1024, "out-KiB")
			b.ReportMetric(100*float64(out)/float64(in), "%-of-input")
			b.ReportMetric(100*float64(out)/float64(brSize), "%-of-br")
			b.ReportMetric(float64(smaller), "files-smaller-than-br")
		})
	}
}

// zstdCodec returns a zstd compressor at level, one goroutine, no
// checksum (Content-Encoding: zstd as browsers decode it, RFC 8878).
func zstdCodec(level zstd.EncoderLevel) func() func(*bytes.Buffer, []byte) {
	return func() func(*bytes.Buffer, []byte) {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false))
		if err != nil {
			panic(err)
		}
		var scratch []byte
		return func(dst *bytes.Buffer, src []byte) {
			scratch = enc.EncodeAll(src, scratch[:0])
			dst.Write(scratch)
		}
	}
}
