package main

import (
	"bufio"
	"encoding/json"
	"io"
)

// writeJSON writes the output exactly as writeJSON(w, o) would, but one
// element at a time: the document of a large tree (over a megabyte of
// JSON at 1 GB of code, built compact and then indented by the encoder)
// is never held whole in memory. Held whole, it was the peak of the scan
// command's memory.
func (o scanOutput) writeJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString("{\n")
	err := writeArray(bw, "references", o.References, ",")
	if err == nil {
		err = writeArray(bw, "functions", o.Functions, ",")
	}
	if err == nil {
		err = writeArray(bw, "errors", o.Errors, ",")
	}
	if err == nil {
		err = writeArray(bw, "notes", o.Notes, "")
	}
	if err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeArray writes `  "name": [...]` and sep, each element indented as
// an encoder with SetIndent("", "  ") indents it at that depth. Write
// errors stick in bw and are reported by its Flush.
func writeArray[T any](bw *bufio.Writer, name string, items []T, sep string) error {
	bw.WriteString(`  "` + name + `": `)
	switch {
	case items == nil:
		bw.WriteString("null")
	case len(items) == 0:
		bw.WriteString("[]")
	default:
		bw.WriteString("[\n")
		for i, it := range items {
			b, err := json.MarshalIndent(it, "    ", "  ")
			if err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(b)
			if i < len(items)-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		bw.WriteString("  ]")
	}
	bw.WriteString(sep + "\n")
	return nil
}
