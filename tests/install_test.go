package tests

import (
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A program in another Go module uses the library the supported way: the native part is
// installed into a prefix (cmake --install, what make install runs), the module's source is a
// plain copy without a build folder (as in the module cache), cgo finds the libraries through
// pkg-config (-tags lxmert_installed), and the binary runs with no rpath into a source tree.
func TestInstalledLibraryFromAnotherModule(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	run(t, root, nil, "cmake", "--install", "build", "--prefix", prefix)
	pc, err := filepath.Glob(filepath.Join(prefix, "lib*", "pkgconfig", "lxmert.pc"))
	require.NoError(t, err)
	require.Len(t, pc, 1, "make install writes lxmert.pc")

	src := filepath.Join(tmp, "golxmert") // the module as the module cache holds it: no build/
	copyModule(t, root, src)
	app := filepath.Join(tmp, "app")
	require.NoError(t, os.MkdirAll(app, 0o755))
	goSum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(app, "go.sum"), goSum, 0o644))
	goMod := "module example.com/app\n\ngo 1.26\n\nrequire github.com/lxmert-go/golxmert v0.0.0\n\n" +
		"replace github.com/lxmert-go/golxmert => " + src + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(app, "go.mod"), []byte(goMod), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(app, "main.go"), []byte(appMain), 0o644))

	env := []string{"PKG_CONFIG_PATH=" + filepath.Dir(pc[0]), "GOFLAGS=-mod=mod", "GOPROXY=off"}
	run(t, app, env, "go", "mod", "tidy")
	bin := filepath.Join(tmp, "app-bin")
	run(t, app, env, "go", "build", "-tags", "lxmert_installed", "-o", bin, ".")

	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, tag := range []elf.DynTag{elf.DT_RPATH, elf.DT_RUNPATH} {
		paths, _ := f.DynString(tag)
		t.Logf("%v: %v", tag, paths)
		for _, p := range paths {
			require.NotContains(t, p, root, "rpath into the source tree")
			require.NotContains(t, p, src, "rpath into the module copy")
		}
	}
	out := run(t, tmp, nil, bin, filepath.Join(root, "tests", "testdata", "parity", "tiny-qa"))
	require.Contains(t, out, "scores [1 9] lxmert")
	t.Logf("%s", out)
}

const appMain = `package main

import (
	"fmt"
	"os"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
)

func main() {
	m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	in := lxmert.Inputs{
		InputIDs:    s.FromInt64([]int64{101, 7, 9, 102}, 1, 4),
		VisualFeats: s.Full(binding.Float32, 0.1, 1, 36, int64(m.Config.VisualFeatDim)),
		VisualPos:   s.Full(binding.Float32, 0.5, 1, 36, 4),
	}
	if err := s.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := m.ForwardScope(s, in, nil, lxmert.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("scores", s.Shape(out.QuestionAnsweringScore), binding.TensorAllocator())
}
`

// copyModule copies the module's source files, leaving out what a module zip never holds
// (build output, virtual environment, generated test data, version control).
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	skip := map[string]bool{".git": true, "build": true, "bin": true, ".venv": true, ".stamp": true, "tests": true}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if skip[rel] || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	require.NoError(t, err)
}

// run runs a command in dir with extra environment and returns its combined output.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
	return string(out)
}
