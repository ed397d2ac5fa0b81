package safetensors

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
)

// Reader is a safetensors file whose header has been read and validated
// and whose tensors are decoded on request, straight into memory the
// caller owns: loading a model this way holds each weight once.
type Reader struct {
	// Metadata is the "__metadata__" map; nil when the file has none.
	Metadata map[string]string

	r         io.ReaderAt
	data      []byte // the whole file, when opened with OpenBytes
	dataStart int64
	entries   []entry // in data order
	index     map[string]int
}

// OpenBytes is Open for a file held in memory. Tensors are decoded from
// data in place, never copied first, so data may be read-only (such as
// a go:embed variable); it must not change while the Reader is in use.
func OpenBytes(data []byte) (*Reader, error) {
	rd, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	rd.data = data
	return rd, nil
}

// Info describes a stored tensor.
type Info struct {
	Name  string
	Shape []int
	DType DType
	// Len is the number of elements, the product of Shape.
	Len int
}

// Tensors describes the file's tensors in the order of their data.
func (rd *Reader) Tensors() []Info {
	infos := make([]Info, len(rd.entries))
	for i, e := range rd.entries {
		infos[i] = Info{Name: e.name, Shape: e.shape, DType: e.dtype, Len: int(e.numElements)}
	}
	return infos
}

// Tensor describes the tensor called name and reports whether the file
// has it.
func (rd *Reader) Tensor(name string) (Info, bool) {
	i, ok := rd.index[name]
	if !ok {
		return Info{}, false
	}
	e := rd.entries[i]
	return Info{Name: e.name, Shape: e.shape, DType: e.dtype, Len: int(e.numElements)}, true
}

// ReadTensor decodes the tensor called name into dst, converting it to
// float32; dst must hold exactly its number of elements.
func (rd *Reader) ReadTensor(name string, dst []float32) error {
	i, ok := rd.index[name]
	if !ok {
		return fmt.Errorf("read tensor %q: no such tensor", name)
	}
	e := rd.entries[i]
	if int64(len(dst)) != e.numElements {
		return fmt.Errorf("read tensor %q: %d values to fill, the tensor has %d", name, len(dst), e.numElements)
	}
	return rd.decode(e, dst)
}

// decode fills dst, of e's length, with the values of e.
func (rd *Reader) decode(e entry, dst []float32) error {
	off := rd.dataStart + e.begin
	if rd.data != nil {
		e.dtype.decode(dst, rd.data[off:off+e.end-e.begin])
		return nil
	}
	if err := readData(rd.r, off, e.dtype, dst); err != nil {
		return fmt.Errorf("read tensor %q: %w", e.name, err)
	}
	return nil
}

// Checksum returns the CRC-32 (IEEE) of the stored data buffer, the bytes
// after the header (see File.Checksum). It reads the whole buffer once:
// in place for OpenBytes, in 1 MiB pieces otherwise.
func (rd *Reader) Checksum() (uint32, error) {
	if rd.data != nil {
		return crc32.ChecksumIEEE(rd.data[rd.dataStart:]), nil
	}
	var end int64
	if n := len(rd.entries); n > 0 {
		end = rd.entries[n-1].end
	}
	var sum uint32
	buf := make([]byte, min(1<<20, end))
	for off := int64(0); off < end; {
		b := buf[:min(int64(len(buf)), end-off)]
		if _, err := rd.r.ReadAt(b, rd.dataStart+off); err != nil {
			return 0, fmt.Errorf("read data for the checksum: %w", err)
		}
		sum = crc32.Update(sum, crc32.IEEETable, b)
		off += int64(len(b))
	}
	return sum, nil
}
