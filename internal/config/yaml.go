package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// LoadError is a file that could not be read at all (missing, no
// permission): not the author's mistake in its content.
type LoadError struct {
	Path string
	Err  error
}

func (e *LoadError) Error() string { return fmt.Sprintf("read %s: %v", e.Path, e.Err) }

// Unwrap returns the error behind the failed read.
func (e *LoadError) Unwrap() error { return e.Err }

// ParseError is one mistake in a file's content, at a line and column.
type ParseError struct {
	Path    string
	Line    int
	Column  int
	Message string
}

func (e ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Message)
}

// ParseErrors are every mistake found in one file, in file order.
type ParseErrors []ParseError

func (e ParseErrors) Error() string {
	msgs := make([]string, len(e))
	for i, p := range e {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "\n")
}

// LoadYAML reads the file at path and decodes it strictly into out (a
// pointer to a struct): see DecodeYAML. A read failure is a *LoadError.
func LoadYAML(path string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return &LoadError{Path: path, Err: err}
	}
	return DecodeYAML(path, b, out)
}

// DecodeYAML decodes src strictly into out (a pointer to a struct whose
// fields carry yaml tags): an unknown key, a value of the wrong type or a
// duplicate key is a ParseError at its line and column, and every one of
// them is reported (ParseErrors), not only the first. Fields absent from
// src keep their value in out, which is how defaults are given.
func DecodeYAML(path string, src []byte, out any) error {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file says nothing
		}
		return ParseErrors{syntaxError(path, err)}
	}
	var errs ParseErrors
	decodeNode(path, &doc, reflect.ValueOf(out).Elem(), &errs)
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// syntaxError locates a yaml.v3 syntax error ("yaml: line 3: ...").
func syntaxError(path string, err error) ParseError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return ParseError{Path: path, Line: line, Column: 1, Message: msg}
}

var durationType = reflect.TypeOf(time.Duration(0))

// decodeNode decodes n into v, walking mappings into structs key by key so
// that each mistake is located at its own key or value.
func decodeNode(path string, n *yaml.Node, v reflect.Value, errs *ParseErrors) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) > 0 {
			decodeNode(path, n.Content[0], v, errs)
		}
		return
	}
	if u, ok := v.Addr().Interface().(yaml.Unmarshaler); ok {
		err := u.UnmarshalYAML(n)
		if inner, ok := err.(ParseErrors); ok {
			for _, e := range inner {
				e.Path = path
				*errs = append(*errs, e)
			}
		} else if err != nil {
			*errs = append(*errs, ParseError{Path: path, Line: n.Line, Column: n.Column, Message: err.Error()})
		}
		return
	}
	if v.Kind() == reflect.Struct && v.Type() != durationType {
		decodeStruct(path, n, v, errs)
		return
	}
	if v.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode && isStruct(v.Type().Elem()) {
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			decodeNode(path, item, s.Index(i), errs)
		}
		v.Set(s)
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		*errs = append(*errs, ParseError{Path: path, Line: n.Line, Column: n.Column, Message: typeMessage(n, v)})
	}
}

func isStruct(t reflect.Type) bool { return t.Kind() == reflect.Struct && t != durationType }

// decodeStruct decodes a mapping into the struct v by yaml tags.
func decodeStruct(path string, n *yaml.Node, v reflect.Value, errs *ParseErrors) {
	if n.Kind != yaml.MappingNode {
		*errs = append(*errs, ParseError{Path: path, Line: n.Line, Column: n.Column, Message: fmt.Sprintf("want a mapping of keys, found %s", kindName(n))})
		return
	}
	fields := map[string]int{}
	var names []string
	for i := 0; i < v.NumField(); i++ {
		tag := strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag] = i
			names = append(names, tag)
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		idx, ok := fields[k.Value]
		switch {
		case !ok:
			*errs = append(*errs, ParseError{Path: path, Line: k.Line, Column: k.Column,
				Message: fmt.Sprintf("unknown key %q (known keys: %s)", k.Value, strings.Join(names, ", "))})
		case seen[k.Value]:
			*errs = append(*errs, ParseError{Path: path, Line: k.Line, Column: k.Column, Message: fmt.Sprintf("key %q given twice", k.Value)})
		default:
			seen[k.Value] = true
			decodeNode(path, val, v.Field(idx), errs)
		}
	}
}

// typeMessage words a value of the wrong type for a person.
func typeMessage(n *yaml.Node, v reflect.Value) string {
	want := v.Type().String()
	switch {
	case v.Type() == durationType:
		want = "a duration (like 90s, 6h)"
	case v.Kind() == reflect.Slice:
		want = "a list"
	case v.Kind() == reflect.String:
		want = "a string"
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Uint64:
		want = "a whole number"
	case v.Kind() == reflect.Bool:
		want = "true or false"
	}
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("%q is not %s", n.Value, want)
	}
	return fmt.Sprintf("want %s, found %s", want, kindName(n))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

// reflectValue is the settable value p points to.
func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
