package corpus

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// blockedReader blocks in Read until released.
type blockedReader struct{ release chan struct{} }

func (r blockedReader) Read([]byte) (int, error) {
	<-r.release
	return 0, io.EOF
}

func TestContextReader(t *testing.T) {
	// Until the context ends, the text passes through unchanged.
	got, err := io.ReadAll(NewContextReader(context.Background(), strings.NewReader("ein Hund\nzwei Hunde\n")))
	if err != nil || string(got) != "ein Hund\nzwei Hunde\n" {
		t.Fatalf("got %q, %v", got, err)
	}

	// A Read blocked in the underlying reader returns at the cancel,
	// with the cause.
	br := blockedReader{make(chan struct{})}
	defer close(br.release)
	stop := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.Background())
	r := NewContextReader(ctx, br)
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 8))
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel(stop)
	select {
	case err := <-done:
		if !errors.Is(err, stop) {
			t.Errorf("blocked Read returned %v, want the cause", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Read still blocked after the cancel")
	}
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, stop) {
		t.Errorf("Read after the cancel returned %v", err)
	}
}
