package analytics

import (
	"embed"
	"strings"
	"text/template"
)

// The statements live in sql/ as readable SQL. Files ending .tmpl.sql define shared fragments
// (one definition per metric) that statements include with {{template "name"}}; the expansion
// happens once at start-up on static text: no user input ever reaches it.
//
//go:embed sql/*.sql
var sqlFiles embed.FS

// sqlTemplates expand the statements as they read the required contract alone; historyTemplates
// the same statements where they read order_history instead ({{if history}} in the SQL);
// settledTemplates the history form for a moment after every order of the history ({{if
// settled}}: no customer has an order at or after it, see twoWays.settle).
var (
	sqlTemplates = template.Must(template.New("").Option("missingkey=error").
			Funcs(template.FuncMap{"history": func() bool { return false }, "settled": func() bool { return false }}).
			ParseFS(sqlFiles, "sql/*.sql"))
	historyTemplates = template.Must(sqlTemplates.Clone()).Funcs(template.FuncMap{"history": func() bool { return true }})
	settledTemplates = template.Must(historyTemplates.Clone()).Funcs(template.FuncMap{"settled": func() bool { return true }})
)

// statement returns the expanded text of sql/<name>.sql.
func statement(name string) string { return expand(sqlTemplates, name, nil) }

// expand returns the text of sql/<name>.sql expanded by t with data.
func expand(t *template.Template, name string, data any) string {
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name+".sql", data); err != nil {
		panic("analytics: sql/" + name + ".sql: " + err.Error())
	}
	return strings.TrimSpace(b.String()) + "\n"
}
