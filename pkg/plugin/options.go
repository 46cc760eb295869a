package plugin

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// grafanaKeys are the keys Grafana itself puts in every query's JSON (the SDK's common query
// properties, and the editor's row key): no query type reads them as options.
var grafanaKeys = []string{"refId", "datasource", "datasourceId", "hide", "key", "intervalMs", "maxDataPoints", "queryType", "timeRange", "resultAssertions"}

// jsonKeys are the JSON keys encoding/json decodes into the struct type t, with the fields of
// embedded structs: each key's lower case (encoding/json matches keys without regard to case)
// maps to the key as the model spells it.
func jsonKeys(t reflect.Type) map[string]string {
	keys := map[string]string{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-":
			continue
		case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
			for k, v := range jsonKeys(f.Type) {
				keys[k] = v
			}
			continue
		case !f.IsExported():
			continue
		case tag == "":
			tag = f.Name
		}
		keys[strings.ToLower(tag)] = tag
	}
	return keys
}

// unknownKeys lists, sorted, the top-level keys of the query JSON that are neither options of
// its type (known) nor Grafana's own. A key that is a typo of an option (say "metirc") would
// otherwise be dropped without a word and the query answer its default: a figure the user did
// not ask for. Malformed JSON lists none; the handler reports it.
func unknownKeys(raw json.RawMessage, known map[string]string) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for k := range m {
		lk := strings.ToLower(k)
		if _, ok := known[lk]; ok || grafanaKeySet[lk] {
			continue
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// grafanaKeySet is grafanaKeys in lower case, as unknownKeys compares them.
var grafanaKeySet = func() map[string]bool {
	m := make(map[string]bool, len(grafanaKeys))
	for _, k := range grafanaKeys {
		m[strings.ToLower(k)] = true
	}
	return m
}()

// unknownOptionsNotice is the warning a query with unknown keys answers along with its frames:
// which keys were ignored and what the query type's options are.
func unknownOptionsNotice(queryType string, unknown []string, known map[string]string) data.Notice {
	quoted := make([]string, len(unknown))
	for i, k := range unknown {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	options := make([]string, 0, len(known))
	for _, k := range known {
		options = append(options, k)
	}
	sort.Strings(options)
	what := fmt.Sprintf("option %s, so it was ignored: correct its spelling or remove it", quoted[0])
	if len(unknown) > 1 {
		what = fmt.Sprintf("options %s, so they were ignored: correct their spelling or remove them", strings.Join(quoted, ", "))
	}
	return data.Notice{
		Severity: data.NoticeSeverityWarning,
		Text:     fmt.Sprintf("%s queries have no %s (its options: %s)", queryType, what, strings.Join(options, ", ")),
	}
}

// withNotice adds the notice to the first frame's metadata, copying the metadata, which the cached
// frames share; a query that answered no frame gets an empty frame (of refID) to carry it.
func withNotice(frames data.Frames, refID string, n data.Notice) data.Frames {
	if len(frames) == 0 {
		f := data.NewFrame("")
		f.RefID = refID
		frames = data.Frames{f}
	}
	f := frames[0]
	meta := &data.FrameMeta{}
	if f.Meta != nil {
		cp := *f.Meta
		meta = &cp
	}
	meta.Notices = append(append([]data.Notice(nil), meta.Notices...), n)
	f.Meta = meta
	return frames
}
