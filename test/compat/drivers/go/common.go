// Shared by the Go driver programs (built with the file list, in GOPATH mode against Debian's
// /usr/share/gocode): read the target, run named checks, print one JSON object.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

type target struct {
	Host     string  `json:"host"`
	Port     int     `json:"port"`
	Database string  `json:"database"`
	User     string  `json:"user"`
	Pid      *string `json:"pid"`
}

type typeCase struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

type check struct {
	name string
	fn   func() (interface{}, error)
}

func readTarget() target {
	var t target
	if err := json.Unmarshal([]byte(os.Args[len(os.Args)-1]), &t); err != nil {
		panic(err)
	}
	return t
}

// types.json sits next to this directory; the program runs with the drivers folder as cwd.
func readTypes() []typeCase {
	_, file, _, _ := runtime.Caller(0)
	path := "types.json"
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join(filepath.Dir(file), "..", "types.json")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var doc struct{ Types []typeCase }
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	return doc.Types
}

// norm: the Go type and its printed value, so the decoded type is compared too.
func norm(v interface{}) interface{} {
	if v == nil {
		return nil
	}
	return []string{fmt.Sprintf("%T", v), fmt.Sprintf("%v", v)}
}

func runChecks(checks []check, sqlstate func(error) string) {
	out := map[string]interface{}{}
	for _, c := range checks {
		v, err := c.fn()
		if err != nil {
			out[c.name] = map[string]interface{}{"ok": false, "error": map[string]interface{}{"sqlstate": sqlstate(err), "message": err.Error()}}
		} else {
			out[c.name] = map[string]interface{}{"ok": true, "value": v}
		}
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
