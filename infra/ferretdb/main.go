// Command ferretdb-sqlite runs FerretDB v1 (MongoDB wire protocol) on SQLite for local
// development and CI, where no MongoDB binary can be downloaded. It embeds the upstream
// package github.com/FerretDB/FerretDB/ferretdb because `go install .../cmd/ferretdb`
// panics at start (its version.txt is missing from the module zip, FerretDB#2982).
//
// Usage: ferretdb-sqlite -listen 127.0.0.1:27018 -data /abs/dir
//
// Readiness is for the caller to check (a MongoDB ping); it exits cleanly on SIGINT/SIGTERM.
//
// packages/local-infra builds it against a copy of the FerretDB module with the patches of
// ./patches applied (see README.md); a plain `go build .` here gives the unpatched upstream.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// patches names the patches of ./patches this binary was built with, comma-separated; set by
// packages/local-infra with `-ldflags -X main.patches=...`. Empty for an unpatched build.
var patches string

func main() {
	listen := flag.String("listen", "127.0.0.1:27018", "TCP address to listen on (host:port)")
	dataDir := flag.String("data", "", "directory for the SQLite database files (created if missing)")
	flag.Parse()

	if *dataDir == "" {
		fail("missing -data: give the directory that holds the SQLite files")
	}
	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		fail("bad -data %q: %v", *dataDir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail("cannot create data directory %s: %v", dir, err)
	}

	// Probe the port first so a clash gives one clear line instead of a stack of logs.
	probe, err := net.Listen("tcp", *listen)
	if err != nil {
		fail("cannot listen on %s: %v (is another server using this port?)", *listen, err)
	}
	_ = probe.Close()

	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		fail("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	build := "unpatched"
	if patches != "" {
		build = "patches " + patches
	}
	fmt.Printf("ferretdb-sqlite: FerretDB %s (%s) starting on %s (data %s)\n", ferretdbVersion(), build, *listen, dir)
	db.Run(ctx)
	fmt.Println("ferretdb-sqlite stopped")
}

// ferretdbVersion is the FerretDB module version this binary was built with. FerretDB's own
// version package reports "unknown" when embedded (its version.txt is not in the module zip).
func ferretdbVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/FerretDB/FerretDB" {
				return dep.Version
			}
		}
	}
	return "(unknown version)"
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-sqlite: "+format+"\n", args...)
	os.Exit(1)
}
