package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxHeaderSize is the longest header Read accepts, in bytes (the limit of
// the reference implementation).
const MaxHeaderSize = 100_000_000

// File is the content of a safetensors file.
type File struct {
	// Metadata is the "__metadata__" map; nil when the file has none.
	Metadata map[string]string
	// Tensors are the file's tensors in the order of their data.
	Tensors []Tensor
	// Checksum is the CRC-32 (IEEE, as in zlib) of the data buffer as
	// stored: the bytes after the header. The format has no checksum of
	// its own; a writer that stores Checksum's value in the metadata lets
	// a reader detect damaged weights by comparing the two. (hash/crc32
	// computes it with carry-less multiplication, several GB/s.)
	Checksum uint32

	index map[string]int
}

// Tensor returns the tensor called name and whether the file has it.
func (f *File) Tensor(name string) (Tensor, bool) {
	i, ok := f.index[name]
	if !ok {
		return Tensor{}, false
	}
	return f.Tensors[i], true
}

// FormatError reports a file that is not valid safetensors.
type FormatError struct {
	Msg string
}

// Error returns "safetensors: " followed by what is wrong.
func (e *FormatError) Error() string { return "safetensors: " + e.Msg }

func formatErr(format string, args ...any) error {
	return &FormatError{Msg: fmt.Sprintf(format, args...)}
}

// entry is one tensor of the header as it is stored.
type entry struct {
	name        string
	dtype       DType
	shape       []int
	begin, end  int64
	numElements int64
}

// rawEntry is the JSON form of a tensor's header entry.
type rawEntry struct {
	DType   *string  `json:"dtype"`
	Shape   *[]int64 `json:"shape"`
	Offsets *[]int64 `json:"data_offsets"`
}

// ReadFile reads the safetensors file at path.
func ReadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	sf, err := Read(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return sf, nil
}

// Read reads a safetensors file of size bytes from r and converts its
// tensors to float32. Errors about the content are *FormatError.
func Read(r io.ReaderAt, size int64) (*File, error) {
	rd, err := Open(r, size)
	if err != nil {
		return nil, err
	}
	f := &File{Metadata: rd.Metadata, Tensors: make([]Tensor, len(rd.entries)), index: rd.index}
	for i, e := range rd.entries {
		t := Tensor{Name: e.name, Shape: e.shape, DType: e.dtype, Data: make([]float32, e.numElements)}
		if err := rd.decode(e, 0, t.Data); err != nil {
			return nil, err
		}
		f.Tensors[i] = t
	}
	if f.Checksum, err = rd.Checksum(); err != nil {
		return nil, err
	}
	return f, nil
}

// Open reads and validates the header of a safetensors file of size
// bytes in r. Errors about the content are *FormatError.
func Open(r io.ReaderAt, size int64) (*Reader, error) {
	if size < 8 {
		return nil, formatErr("file of %d bytes is too short for the 8-byte header length", size)
	}
	var nb [8]byte
	if _, err := r.ReadAt(nb[:], 0); err != nil {
		return nil, fmt.Errorf("read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(nb[:])
	if n > MaxHeaderSize {
		return nil, formatErr("header length %d is above the limit of %d bytes", n, MaxHeaderSize)
	}
	if int64(n) > size-8 {
		return nil, formatErr("header length %d runs past the end of the %d-byte file", n, size)
	}
	if n == 0 {
		return nil, formatErr("header is empty")
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	dataStart := 8 + int64(n)
	meta, entries, err := parseHeader(header, size-dataStart)
	if err != nil {
		return nil, err
	}
	rd := &Reader{Metadata: meta, r: r, dataStart: dataStart, entries: entries, index: make(map[string]int, len(entries))}
	for i, e := range entries {
		rd.index[e.name] = i
	}
	return rd, nil
}

// readData fills dst from the elements of type d stored at off in r,
// through a small buffer.
func readData(r io.ReaderAt, off int64, d DType, dst []float32) error {
	buf := make([]byte, min(1<<16, len(dst)*d.Size()))
	per := max(len(buf)/d.Size(), 1)
	for len(dst) > 0 {
		k := min(len(dst), per)
		b := buf[:k*d.Size()]
		if _, err := r.ReadAt(b, off); err != nil {
			return err
		}
		d.decode(dst[:k], b)
		dst = dst[k:]
		off += int64(len(b))
	}
	return nil
}

// parseHeader decodes and validates the JSON header against a data buffer
// of dataSize bytes and returns the metadata and the entries in data order.
func parseHeader(header []byte, dataSize int64) (map[string]string, []entry, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, formatErr("header does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, nil, formatErr("header is not valid UTF-8")
	}
	// jsontext reads the header's strings twice as fast as
	// encoding/json (a model file's header is mostly its tokenizers,
	// escaped JSON): the built-in model's 0.9 MB header in 5 ms, not 10.5
	// (BenchmarkParseHeaderBuiltin).
	// Duplicate names are reported below, with the name.
	dec := jsontext.NewDecoder(bytes.NewReader(header), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil { // '{'
		return nil, nil, formatErr("header: %v", err)
	}
	var meta map[string]string
	var entries []entry
	seen := make(map[string]bool)
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, nil, formatErr("header: %v", err)
		}
		name := tok.String() // object names are always strings
		if seen[name] {
			return nil, nil, formatErr("header: duplicate key %q", name)
		}
		seen[name] = true
		if name == metadataKey {
			// Decoded straight from the header: the metadata holds the
			// bulk of it (a model file's tokenizers).
			if meta, err = readMetadata(dec); err != nil {
				return nil, nil, err
			}
			continue
		}
		raw, err := dec.ReadValue()
		if err != nil {
			return nil, nil, formatErr("header: %v", err)
		}
		e, err := parseEntry(name, raw, dataSize)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return nil, nil, formatErr("header: %v", err)
	}
	if rest := header[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
		return nil, nil, formatErr("header: unexpected bytes after the JSON object")
	}
	if err := checkLayout(entries, dataSize); err != nil {
		return nil, nil, err
	}
	return meta, entries, nil
}

// readMetadata reads the value of the metadata key: an object of strings,
// or null (no metadata).
func readMetadata(dec *jsontext.Decoder) (map[string]string, error) {
	typeErr := func(what string) error {
		return formatErr("header: %s must map strings to strings, has %s", metadataKey, what)
	}
	switch k := dec.PeekKind(); k {
	case 'n':
		if _, err := dec.ReadToken(); err != nil {
			return nil, formatErr("header: %v", err)
		}
		return nil, nil
	case '{':
	default:
		if _, err := dec.ReadValue(); err != nil {
			return nil, formatErr("header: %v", err)
		}
		return nil, typeErr(kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, formatErr("header: %v", err)
	}
	meta := make(map[string]string)
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, formatErr("header: %v", err)
		}
		key := tok.String() // before the next read voids tok
		if k := dec.PeekKind(); k != '"' {
			if _, err := dec.ReadValue(); err != nil {
				return nil, formatErr("header: %v", err)
			}
			return nil, typeErr(fmt.Sprintf("%s for %q", kindName(k), key))
		}
		if tok, err = dec.ReadToken(); err != nil {
			return nil, formatErr("header: %v", err)
		}
		meta[key] = tok.String()
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, formatErr("header: %v", err)
	}
	return meta, nil
}

// kindName names a JSON value of kind k in messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '0':
		return "a number"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "a value"
}

// strictUnmarshal decodes data into v, rejecting unknown fields.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// parseEntry validates one tensor entry on its own.
func parseEntry(name string, raw []byte, dataSize int64) (entry, error) {
	var re rawEntry
	if err := strictUnmarshal(raw, &re); err != nil {
		return entry{}, formatErr("tensor %q: %v", name, err)
	}
	switch {
	case re.DType == nil:
		return entry{}, formatErr("tensor %q: missing dtype", name)
	case re.Shape == nil:
		return entry{}, formatErr("tensor %q: missing shape", name)
	case re.Offsets == nil:
		return entry{}, formatErr("tensor %q: missing data_offsets", name)
	case len(*re.Offsets) != 2:
		return entry{}, formatErr("tensor %q: data_offsets must hold 2 numbers, has %d", name, len(*re.Offsets))
	}
	e := entry{name: name, dtype: DType(*re.DType), begin: (*re.Offsets)[0], end: (*re.Offsets)[1]}
	if e.dtype.Size() == 0 {
		if slices.Contains(otherDTypes, *re.DType) {
			return entry{}, formatErr("tensor %q: unsupported dtype %s (want F32, F16, BF16 or I8)", name, *re.DType)
		}
		return entry{}, formatErr("tensor %q: unknown dtype %q", name, *re.DType)
	}
	size := int64(e.dtype.Size())
	e.shape = make([]int, len(*re.Shape))
	e.numElements = 1
	for i, d := range *re.Shape {
		if d < 0 {
			return entry{}, formatErr("tensor %q: negative dimension in shape %v", name, *re.Shape)
		}
		if d != 0 && e.numElements > dataSize/size/d {
			return entry{}, formatErr("tensor %q: shape %v needs more bytes than the %d-byte data buffer", name, *re.Shape, dataSize)
		}
		e.shape[i] = int(d)
		e.numElements *= d
	}
	if e.begin < 0 || e.end < e.begin || e.end > dataSize {
		return entry{}, formatErr("tensor %q: data_offsets [%d, %d] out of the %d-byte data buffer", name, e.begin, e.end, dataSize)
	}
	if want := e.numElements * size; e.end-e.begin != want {
		return entry{}, formatErr("tensor %q: data_offsets [%d, %d] span %d bytes, shape %v of %s needs %d", name, e.begin, e.end, e.end-e.begin, e.shape, e.dtype, want)
	}
	return e, nil
}

// checkLayout sorts entries by offset and checks that they tile the data
// buffer exactly: no gap, no overlap, nothing left over.
func checkLayout(entries []entry, dataSize int64) error {
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.begin != b.begin {
			return cmp.Compare(a.begin, b.begin)
		}
		return cmp.Compare(a.end, b.end)
	})
	var at int64
	for _, e := range entries {
		if e.begin != at {
			if e.begin < at {
				return formatErr("tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", e.name, e.begin, e.end, at)
			}
			return formatErr("tensor %q: data_offsets [%d, %d] leave a gap after byte %d", e.name, e.begin, e.end, at)
		}
		at = e.end
	}
	if at != dataSize {
		return formatErr("tensors cover %d bytes of the %d-byte data buffer", at, dataSize)
	}
	return nil
}
