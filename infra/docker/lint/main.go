// dockerfile-lint: parses each Dockerfile named on the command line with BuildKit's own Dockerfile
// front end (the parser and the build checks `docker build --check` runs) and exits 1 on any error or
// warning. Needs no Docker engine. Used by ../check.sh.
package main

import (
	"fmt"
	"os"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	problems := 0
	for _, file := range os.Args[1:] {
		problems += check(file)
	}
	if problems > 0 {
		os.Exit(1)
	}
}

func check(file string) int {
	reader, err := os.Open(file)
	if err != nil {
		fmt.Printf("%s: %v\n", file, err)
		return 1
	}
	defer reader.Close()
	result, err := parser.Parse(reader)
	if err != nil {
		fmt.Printf("%s: parse error: %v\n", file, err)
		return 1
	}
	problems := 0
	for _, warning := range result.Warnings {
		fmt.Printf("%s: %s\n", file, warning.Short)
		problems++
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, message string, location []parser.Range) {
		line := 0
		if len(location) > 0 {
			line = location[0].Start.Line
		}
		fmt.Printf("%s:%d: %s: %s\n", file, line, rule, message)
		problems++
	}})
	stages, _, err := instructions.Parse(result.AST, lint)
	if err != nil {
		fmt.Printf("%s: %v\n", file, err)
		return problems + 1
	}
	if problems == 0 {
		fmt.Printf("%s: %d stages, no findings\n", file, len(stages))
	}
	return problems
}
