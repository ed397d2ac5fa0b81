package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// metadataKey is the reserved header key of the string-to-string metadata.
const metadataKey = "__metadata__"

// Tensor is a named tensor with its values in row-major order:
// len(Data) is the product of Shape (1 for an empty Shape, a scalar).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
	// DType is the type the tensor was stored with; Read sets it and Write
	// ignores it.
	DType DType
	// As, when set, is the type Write stores this tensor as, whatever the
	// dtype of the file (I8 is only written this way).
	As DType
}

// storedAs is the type t is written as in a file of dtype.
func (t *Tensor) storedAs(dtype DType) DType {
	if t.As != "" {
		return t.As
	}
	return dtype
}

// numElements returns the product of shape, or an error for a negative
// dimension or a product above limit.
func numElements(shape []int, limit int64) (int64, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > limit/int64(d) {
			return 0, fmt.Errorf("shape %v holds more than %d elements", shape, limit)
		}
		n *= int64(d)
	}
	return n, nil
}

// Write writes tensors and metadata to w in the safetensors format, every
// tensor stored as dtype (F32, F16 or BF16). Tensors are laid out sorted by
// name; names must be unique, non-empty and not "__metadata__". A nil or
// empty metadata map writes no "__metadata__" entry.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string, dtype DType) error {
	if err := checkDTypes(tensors, dtype); err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	header, order, err := encodeHeader(tensors, metadata, dtype)
	if err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	bw.Write(n[:])
	bw.Write(header)
	if err := writeData(bw, tensors, order, dtype); err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write safetensors: %w", err)
	}
	return nil
}

// dataOrder returns the order of tensors in the data buffer: sorted by
// name.
func dataOrder(tensors []Tensor) []int {
	order := make([]int, len(tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(tensors[a].Name, tensors[b].Name) })
	return order
}

// checkDTypes reports a file dtype that is not a floating-point type or a
// tensor's As that this package does not write.
func checkDTypes(tensors []Tensor, dtype DType) error {
	if !dtype.isFloat() {
		return fmt.Errorf("unsupported dtype %q (want F32, F16 or BF16)", dtype)
	}
	for _, t := range tensors {
		if t.As != "" && t.As.Size() == 0 {
			return fmt.Errorf("tensor %q: unsupported dtype %q (want F32, F16, BF16 or I8)", t.Name, t.As)
		}
	}
	return nil
}

// writeData writes the data buffer: the tensors in order, each as its
// storedAs type.
func writeData(w io.Writer, tensors []Tensor, order []int, dtype DType) error {
	const chunk = 1 << 14 // elements converted at a time
	buf := make([]byte, chunk*4)
	for _, i := range order {
		data := tensors[i].Data
		as := tensors[i].storedAs(dtype)
		for len(data) > 0 {
			k := min(len(data), chunk)
			b := buf[:k*as.Size()]
			as.encode(b, data[:k])
			if _, err := w.Write(b); err != nil {
				return err
			}
			data = data[k:]
		}
	}
	return nil
}

// Checksum returns the checksum (see File.Checksum) of the data buffer
// that Write writes for tensors stored as dtype, so that a writer can put
// it in the metadata and a reader compare it with File.Checksum.
func Checksum(tensors []Tensor, dtype DType) (uint32, error) {
	if err := checkDTypes(tensors, dtype); err != nil {
		return 0, fmt.Errorf("safetensors checksum: %w", err)
	}
	h := crc32.NewIEEE()
	if err := writeData(h, tensors, dataOrder(tensors), dtype); err != nil {
		return 0, fmt.Errorf("safetensors checksum: %w", err)
	}
	return h.Sum32(), nil
}

// encodeHeader returns the padded JSON header and the order of tensors in
// the data buffer.
func encodeHeader(tensors []Tensor, metadata map[string]string, dtype DType) ([]byte, []int, error) {
	order := dataOrder(tensors)
	var h bytes.Buffer
	enc := json.NewEncoder(&h)
	enc.SetEscapeHTML(false)
	str := func(s string) { // enc.Encode appends a newline: drop it
		enc.Encode(s)
		h.Truncate(h.Len() - 1)
	}
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		str(metadataKey)
		h.WriteString(":{")
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			str(k)
			h.WriteByte(':')
			str(metadata[k])
		}
		h.WriteByte('}')
	}
	var offset int64
	for j, i := range order {
		t := &tensors[i]
		switch {
		case t.Name == "":
			return nil, nil, errors.New("tensor with an empty name")
		case t.Name == metadataKey:
			return nil, nil, fmt.Errorf("tensor name %q is reserved", metadataKey)
		case j > 0 && tensors[order[j-1]].Name == t.Name:
			return nil, nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		as := t.storedAs(dtype)
		n, err := numElements(t.Shape, 1<<62/int64(as.Size()))
		if err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if n != int64(len(t.Data)) {
			return nil, nil, fmt.Errorf("tensor %q: shape %v needs %d values, have %d", t.Name, t.Shape, n, len(t.Data))
		}
		if h.Len() > 1 {
			h.WriteByte(',')
		}
		str(t.Name)
		fmt.Fprintf(&h, `:{"dtype":"%s","shape":[`, as)
		for k, d := range t.Shape {
			if k > 0 {
				h.WriteByte(',')
			}
			fmt.Fprint(&h, d)
		}
		end := offset + n*int64(as.Size())
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, offset, end)
		offset = end
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	return h.Bytes(), order, nil
}

// WriteFile writes tensors and metadata to path as Write does, atomically
// (see package corpus/atomicfile): the bytes go to a temporary file in the
// same directory, which is synced and then renamed over path, so a reader
// (or a crash) sees either the old file or the complete new one.
func WriteFile(path string, tensors []Tensor, metadata map[string]string, dtype DType) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	if err := Write(f, tensors, metadata, dtype); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}
