// Package depot holds what the module root owns: the database schema.
package depot

import _ "embed"

// Schema is schema.sql: the whole current schema, run on a fresh database.
//
//go:embed schema.sql
var Schema string
