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

var sqlTemplates = template.Must(template.New("").Option("missingkey=error").ParseFS(sqlFiles, "sql/*.sql"))

// statement returns the expanded text of sql/<name>.sql.
func statement(name string) string {
	var b strings.Builder
	if err := sqlTemplates.ExecuteTemplate(&b, name+".sql", nil); err != nil {
		panic("analytics: sql/" + name + ".sql: " + err.Error())
	}
	return strings.TrimSpace(b.String()) + "\n"
}
