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
	e, err := rd.entry(name)
	if err != nil {
		return err
	}
	if int64(len(dst)) != e.numElements {
		return fmt.Errorf("read tensor %q: %d values to fill, the tensor has %d", name, len(dst), e.numElements)
	}
	return rd.decode(e, 0, dst)
}

// ReadTensorAt decodes len(dst) elements of the tensor called name,
// from element off on (in row-major order), into dst: a part of a large
// tensor can be read without holding it whole.
func (rd *Reader) ReadTensorAt(name string, off int, dst []float32) error {
	e, err := rd.entry(name)
	if err != nil {
		return err
	}
	if off < 0 || int64(off)+int64(len(dst)) > e.numElements {
		return fmt.Errorf("read tensor %q: values %d to %d asked for, the tensor has %d", name, off, off+len(dst), e.numElements)
	}
	return rd.decode(e, off, dst)
}

// entry returns the entry of the tensor called name.
func (rd *Reader) entry(name string) (entry, error) {
	i, ok := rd.index[name]
	if !ok {
		return entry{}, fmt.Errorf("read tensor %q: no such tensor", name)
	}
	return rd.entries[i], nil
}

// decode fills dst with the values of e from element off on.
func (rd *Reader) decode(e entry, off int, dst []float32) error {
	at := rd.dataStart + e.begin + int64(off)*int64(e.dtype.Size())
	if rd.data != nil {
		e.dtype.decode(dst, rd.data[at:at+int64(len(dst)*e.dtype.Size())])
		return nil
	}
	if err := readData(rd.r, at, e.dtype, dst); err != nil {
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

// ReadRaw returns the stored bytes of the tensor called name, little-endian
// elements of its DType: a view of the file for OpenBytes (not to be
// modified, and valid as long as the file's bytes are), read from the file
// into new memory otherwise. A caller can keep a tensor in its stored
// form this way and decode parts of it when needed (see Decode).
func (rd *Reader) ReadRaw(name string) ([]byte, DType, error) {
	e, err := rd.entry(name)
	if err != nil {
		return nil, "", err
	}
	at, n := rd.dataStart+e.begin, e.end-e.begin
	if rd.data != nil {
		return rd.data[at : at+n : at+n], e.dtype, nil
	}
	buf := make([]byte, n)
	if _, err := rd.r.ReadAt(buf, at); err != nil {
		return nil, "", fmt.Errorf("read tensor %q: %w", name, err)
	}
	return buf, e.dtype, nil
}
