package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"depot/app"
	"depot/app/sqlite"
)

func init() {
	commands["user add"] = command{"create an account (password from stdin)", runUserAdd}
	commands["token create"] = command{"create an API token for a user; prints it last", runTokenCreate}
}

func runUserAdd(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "user add")
	path := fs.String("db", "", "database `file`")
	username := fs.String("username", "", "the account's `name`")
	role := fs.String("role", "", "owner, manager, clerk, picker, packer or viewer")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" || *username == "" || *role == "" || !*fromStdin {
		fmt.Fprintln(e.stderr, "depot user add: --db, --username, --role and --password-stdin are required")
		return 2
	}
	r, err := app.ParseRole("role", *role)
	if err != nil {
		return fail(e, "user add", err)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fail(e, "user add", fmt.Errorf("no password on standard input"))
	}
	password := strings.TrimRight(line, "\r\n")
	db, err := sqlite.Open(ctx, *path, sqlite.Options{})
	if err != nil {
		return fail(e, "user add", err)
	}
	defer db.Close()
	u, err := db.AddUser(ctx, *username, r, password)
	if err != nil {
		return fail(e, "user add", err)
	}
	fmt.Fprintf(e.stdout, "user %s added with role %s\n", u.Username, u.Role)
	return 0
}

func runTokenCreate(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "token create")
	path := fs.String("db", "", "database `file`")
	username := fs.String("username", "", "the user the token acts as")
	name := fs.String("name", "", "a `name` for the token, e.g. the script that uses it")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *path == "" || *username == "" || *name == "" {
		fmt.Fprintln(e.stderr, "depot token create: --db, --username and --name are required")
		return 2
	}
	db, err := sqlite.Open(ctx, *path, sqlite.Options{})
	if err != nil {
		return fail(e, "token create", err)
	}
	defer db.Close()
	token, err := db.CreateToken(ctx, *username, *name)
	if err != nil {
		return fail(e, "token create", err)
	}
	fmt.Fprintf(e.stdout, "token %q for %s (shown once; store it now):\n%s\n", *name, *username, token)
	return 0
}
