package main

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dockerBuild is the go build command of the Dockerfile: its environment
// assignments and its arguments, "go" first.
type dockerBuild struct {
	env  []string
	args []string
}

// parseDockerBuild finds the RUN line of the Dockerfile that runs go build
// and splits it as the shell would (the Dockerfile keeps it simple: words,
// double quotes, ${VAR} from args).
func parseDockerBuild(dockerfile string, args map[string]string) (dockerBuild, error) {
	var b dockerBuild
	for _, line := range strings.Split(dockerfile, "\n") {
		cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "RUN ")
		if !ok || !strings.Contains(cmd, "go build") {
			continue
		}
		words, err := shellWords(os.Expand(cmd, func(k string) string { return args[k] }))
		if err != nil {
			return b, fmt.Errorf("RUN %s: %w", cmd, err)
		}
		for len(words) > 0 && strings.Contains(words[0], "=") {
			b.env, words = append(b.env, words[0]), words[1:]
		}
		if len(words) < 2 || words[0] != "go" || words[1] != "build" {
			return b, fmt.Errorf("RUN %s: want [VAR=value...] go build ...", cmd)
		}
		b.args = words
		return b, nil
	}
	return b, fmt.Errorf("no RUN ... go build line")
}

// shellWords splits s into words at blanks, joining double-quoted parts.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if in {
				words, in = append(words, w.String()), false
				w.Reset()
			}
		case strings.ContainsRune(`\'$;&|`, r) && !quoted:
			return nil, fmt.Errorf("unsupported shell character %q", r)
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated quote")
	}
	if in {
		words = append(words, w.String())
	}
	return words, nil
}

func TestParseDockerBuild(t *testing.T) {
	b, err := parseDockerBuild("FROM x\nRUN go mod download\nRUN CGO_ENABLED=0 go build -ldflags=\"-s -X main.version=${VERSION}\" -o /out/nmt ./cmd/nmt\n",
		map[string]string{"VERSION": "v1"})
	if err != nil {
		t.Fatal(err)
	}
	want := `[CGO_ENABLED=0] [go build -ldflags=-s -X main.version=v1 -o /out/nmt ./cmd/nmt]`
	if got := fmt.Sprint(b.env, " ", b.args); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	for _, bad := range []string{"RUN go build $(x)", "RUN go build \"-o x", "RUN echo go build", "FROM x"} {
		if _, err := parseDockerBuild(bad, nil); err == nil {
			t.Errorf("parsed %q", bad)
		}
	}
}

// TestDockerfileBuild builds nmt with the Dockerfile's go build command
// (docker cannot run here) and checks that the binary is static and runs.
// Skipped with -short: a cold build cache makes it a build of everything.
func TestDockerfileBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the nmt binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseDockerBuild(string(data), map[string]string{"VERSION": "docker-test"})
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "nmt")
	args := b.args[1:]
	for i := range args {
		if args[i] == "-o" && i+1 < len(args) {
			args[i+1] = bin
		}
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), b.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", strings.Join(b.env, " "), strings.Join(b.args, " "), err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("the binary is not ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a dynamic loader (PT_INTERP): not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %q", libs)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "docker-test") {
		t.Errorf("nmt --version: %v\n%s", err, out)
	}
}
