package shard

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec    string
		env     map[string]string
		want    Spec
		wantErr string
	}{
		{spec: "0/1", want: Spec{0, 1}},
		{spec: "6/7", want: Spec{6, 7}},
		{spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "3"}, want: Spec{3, 4}},
		{spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "0"}, want: Spec{0, 4}},
		{spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "1", "SLURM_ARRAY_TASK_ID": "2"}, want: Spec{1, 4}},
		{spec: "7/7", wantErr: "index 7 is out of range: want 0 to 6"},
		{spec: "-1/7", wantErr: "out of range"},
		{spec: "auto/4", wantErr: "neither JOB_COMPLETION_INDEX nor SLURM_ARRAY_TASK_ID is set"},
		{spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, wantErr: "index SLURM_ARRAY_TASK_ID=4 is out of range: want 0 to 3 (Slurm: --array=0-3"},
		{spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "x"}, wantErr: `index JOB_COMPLETION_INDEX="x" is not an integer`},
		{spec: "3", wantErr: "want I/N"},
		{spec: "1/0", wantErr: "integer from 1 to"},
		{spec: "a/3", wantErr: "not an integer"},
	}
	for _, tt := range tests {
		got, err := ParseSpec(tt.spec, func(k string) string { return tt.env[k] })
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrSpec) {
				t.Errorf("ParseSpec(%q, %v): %v, want an error containing %q", tt.spec, tt.env, err, tt.wantErr)
			}
		case err != nil || got != tt.want:
			t.Errorf("ParseSpec(%q, %v) = %v, %v, want %v", tt.spec, tt.env, got, err, tt.want)
		}
	}
}

func TestOutputName(t *testing.T) {
	for _, tt := range []struct {
		s    Spec
		want string
	}{
		{Spec{2, 7}, "out.en.shard-00002-of-00007"},
		{Spec{12, 123456}, "out.en.shard-000012-of-123456"},
	} {
		if got := OutputName("out.en", tt.s); got != tt.want {
			t.Errorf("OutputName(%v) = %q, want %q", tt.s, got, tt.want)
		}
		if got := outputOf(SidecarName(tt.want)); got != tt.want {
			t.Errorf("outputOf(sidecar) = %q, want %q", got, tt.want)
		}
	}
	if got := outputOf("notes.json"); got != "notes.json" {
		t.Errorf("outputOf(notes.json) = %q", got)
	}
}
