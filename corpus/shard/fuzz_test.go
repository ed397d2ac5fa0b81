package shard

import (
	"bytes"
	"testing"
)

// FuzzParseSidecar checks that ParseSidecar never panics, and that what it
// accepts is consistent and survives a round trip.
func FuzzParseSidecar(f *testing.F) {
	good, _ := marshal(Sidecar{Format: SidecarFormat, Header: Header{Shard: 1, Shards: 3,
		Input: Input{Name: "in.de", Size: 100}, Range: Range{Unit: Bytes, Start: 30, End: 64, Total: 100}, Settings: "beam=5"},
		Lines: 4, OutputBytes: 40})
	f.Add(good)
	f.Add(bytes.Replace(good, []byte(`"bytes"`), []byte(`"lines"`), 1))
	f.Add([]byte(`{"format":"nmt-shard/1","shard":-1}`))
	f.Add([]byte(`{"format":"nmt-shard/1","shards":1,"unit":"lines","start":5,"end":2,"total":9}`))
	f.Add([]byte(`[]`))
	f.Add(bytes.Replace(good, []byte(`"0001-01-01T00:00:00Z"`), []byte(`"2026-12-01T21:00:00.5+01:00"`), 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSidecar(data)
		if err != nil {
			return
		}
		if !s.Spec().Valid() || s.Start < 0 || s.Start > s.End || s.End > s.Total || s.Lines < 0 || s.Lines > s.OutputBytes {
			t.Fatalf("accepted an inconsistent sidecar %+v", s)
		}
		again, err := marshal(s)
		if err != nil {
			return // a time that JSON cannot hold
		}
		s2, err := ParseSidecar(again)
		if err != nil {
			t.Fatalf("round trip of %+v: %v", s, err)
		}
		if !s2.same(s.Header) || s2.Lines != s.Lines || s2.OutputBytes != s.OutputBytes {
			t.Fatalf("round trip changed %+v into %+v", s, s2)
		}
	})
}

// FuzzParseSpec checks that ParseSpec never panics and accepts only shards
// in range, written back as given.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"0/1", "2/7", "7/7", "auto/3", "-1/3", "1/0", "x/y", "3", "1/1048577", " 1/2 "} {
		f.Add(s, "2")
	}
	f.Fuzz(func(t *testing.T, s, env string) {
		spec, err := ParseSpec(s, func(string) string { return env })
		if err != nil {
			return
		}
		if !spec.Valid() {
			t.Fatalf("ParseSpec(%q) = %v, out of range", s, spec)
		}
		if again, err := ParseSpec(spec.String(), nil); err != nil || again != spec {
			t.Fatalf("ParseSpec(%q) = %v, %v", spec.String(), again, err)
		}
	})
}
