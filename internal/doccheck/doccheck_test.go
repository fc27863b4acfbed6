// Package doccheck holds repository-wide checks on documentation: every Go
// package has a package comment, and every exported name in the shared
// library packages has a doc comment that starts with the name.
package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// repoRoot walks up from the test's working directory to the folder that
// holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()

	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("go.mod not found above %s", dir)
		}
		dir = parent
	}
}

// packages parses every package folder below root, skipping tool,
// build and test-data folders.
func packages(t *testing.T, root string) map[string]map[string]*ast.File {
	t.Helper()

	found := map[string]map[string]*ast.File{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" || name == "build" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}

		file, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		if found[dir] == nil {
			found[dir] = map[string]*ast.File{}
		}
		found[dir][path] = file
		return nil
	})
	if err != nil {
		t.Fatalf("parse packages below %s: %v", root, err)
	}
	return found
}

func TestEveryPackageHasDoc(t *testing.T) {
	root := repoRoot(t)

	dirs := packages(t, root)
	names := make([]string, 0, len(dirs))
	for dir := range dirs {
		names = append(names, dir)
	}
	sort.Strings(names)

	for _, dir := range names {
		documented := false
		for _, file := range dirs[dir] {
			if file.Doc != nil && strings.TrimSpace(file.Doc.Text()) != "" {
				documented = true
			}
		}
		if !documented {
			t.Errorf("package in %s has no package comment; add one (// Package name ... or // Command name ...) to one of its files", dir)
		}
	}
}

func TestExportedNamesHaveDocInShared(t *testing.T) {
	root := repoRoot(t)

	for dir, files := range packages(t, root) {
		if !strings.HasPrefix(dir, "shared") {
			continue
		}
		for path, file := range files {
			rel, _ := filepath.Rel(root, path)
			for _, missing := range undocumented(file) {
				t.Errorf("%s: exported %s has no doc comment starting with its name", rel, missing)
			}
		}
	}
}

// undocumented lists the exported top-level functions, methods and types
// of file whose doc comment is missing or does not start with the name.
// Grouped constants and variables are left to review, because a group
// comment often documents them together.
func undocumented(file *ast.File) []string {
	var missing []string
	for _, decl := range file.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() || (d.Recv != nil && !exportedReceiver(d.Recv)) {
				continue
			}
			if d.Recv != nil && interfaceMethods[d.Name.Name] {
				continue
			}
			if !startsWithName(d.Doc, d.Name.Name) {
				missing = append(missing, "func "+d.Name.Name)
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, spec := range d.Specs {
				typeSpec := spec.(*ast.TypeSpec)
				if !typeSpec.Name.IsExported() {
					continue
				}
				doc := typeSpec.Doc
				if doc == nil && len(d.Specs) == 1 {
					doc = d.Doc
				}
				if !startsWithName(doc, typeSpec.Name.Name) {
					missing = append(missing, "type "+typeSpec.Name.Name)
				}
			}
		}
	}
	return missing
}

// interfaceMethods are methods that implement a standard library interface,
// whose contract that interface documents.
var interfaceMethods = map[string]bool{
	"Error": true, "Unwrap": true, "Is": true, "As": true, "String": true,
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"MarshalYAML": true, "UnmarshalYAML": true, "ServeHTTP": true,
	"Len": true, "Less": true, "Swap": true, "Close": true,
}

func exportedReceiver(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	expr := recv.List[0].Type
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	if index, ok := expr.(*ast.IndexExpr); ok {
		expr = index.X
	}
	ident, ok := expr.(*ast.Ident)
	return ok && ident.IsExported()
}

// startsWithName accepts "Name ...", "A Name ..." and "An Name ...", the
// forms go doc conventions allow.
func startsWithName(doc *ast.CommentGroup, name string) bool {
	if doc == nil {
		return false
	}
	text := strings.TrimSpace(doc.Text())
	for _, prefix := range []string{"", "A ", "An ", "The "} {
		if strings.HasPrefix(text, prefix+name) {
			return true
		}
	}
	return false
}
