{
  "targets": [
    {
      "target_name": "duckdb_sync",
      "sources": ["duckdb_sync.c", "text_rows.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": [
        "-L<(module_root_dir)/../node_modules/@duckdb/node-bindings-linux-x64",
        "-lduckdb",
        "-Wl,-rpath,'$$ORIGIN/../../../node_modules/@duckdb/node-bindings-linux-x64'"
      ]
    }
  ]
}
