package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// The parts written through parallelZip read back byte for byte with
// archive/zip, which checks each part's checksum and sizes: empty, small,
// a block exactly, blocks and a bit, text and noise, written in pieces of
// every size.
func TestParallelZipPartsReadBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 3*deflateBlock+17)
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	text := []byte(strings.Repeat(`<row r="1"><c r="A1" s="3" t="inlineStr"><is><t>สมชาย ใจดี</t></is></c></row>`, 40_000))
	parts := []struct {
		name string
		data []byte
	}{
		{"empty.xml", nil},
		{"small.xml", []byte("<x/>")},
		{"block.bin", noise[:deflateBlock]},
		{"xl/worksheets/sheet1.xml", text},
		{"noise.bin", noise},
	}
	var buf bytes.Buffer
	z := newParallelZip(&buf)
	for i, p := range parts {
		w, err := z.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		for rest, step := p.data, 1+i*7919; len(rest) > 0; {
			n := min(len(rest), step)
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest, step = rest[n:], step*3+1
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != len(parts) {
		t.Fatalf("%d parts read back, %d written", len(r.File), len(parts))
	}
	for i, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc) // fails on a checksum that does not match
		rc.Close()
		if err != nil || f.Name != parts[i].name || !bytes.Equal(got, parts[i].data) || f.UncompressedSize64 != uint64(len(got)) {
			t.Errorf("part %s: %d bytes read back of %d (%v)", f.Name, len(got), len(parts[i].data), err)
		}
	}
	if n := r.File[3].CompressedSize64; n*10 > uint64(len(text)) {
		t.Errorf("sheet text deflated to %d of %d bytes", n, len(text))
	}
}
