package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

var _ backend.CallResourceHandler = (*Datasource)(nil)

// listOptions reads a list's choices; a variable so that tests can inject failures (a panic) into
// a resource call.
var listOptions = (*analytics.Engine).List

// CallResource serves the editors' look-ups: GET accounts, content (?account=id, repeatable) and
// stores, each a JSON array of {value, text}.
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) (err error) {
	defer func() {
		// A bug in a look-up answers that call with a 500 saying so. The adapter sends the
		// handler's response only once the handler returns, so nothing was sent yet.
		if r := recover(); r != nil {
			name := strings.TrimPrefix(req.Path, "/")
			logPanic("resource "+name, r)
			body, _ := json.Marshal(map[string]string{"error": panicMessage("serving "+name, r)})
			err = sender.Send(&backend.CallResourceResponse{
				Status:  http.StatusInternalServerError,
				Headers: map[string][]string{"Content-Type": {"application/json"}},
				Body:    body,
			})
		}
	}()
	return d.resources().CallResource(ctx, req, sender)
}

func (d *Datasource) resources() backend.CallResourceHandler {
	mux := http.NewServeMux()
	for _, list := range []string{"accounts", "content", "stores"} {
		mux.HandleFunc("/"+list, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				http.Error(w, "use GET", http.StatusMethodNotAllowed)
				return
			}
			if d.settingsErr != nil {
				writeError(w, http.StatusBadRequest, d.settingsErr.Error())
				return
			}
			opts, err := listOptions(d.engine, r.Context(), analytics.ListQuery{List: list, Accounts: r.URL.Query()["account"]})
			if err != nil {
				status := http.StatusBadGateway
				if analytics.IsQueryError(err) {
					status = http.StatusBadRequest
				}
				writeError(w, status, err.Error())
				return
			}
			if opts == nil {
				opts = []analytics.Option{}
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(opts)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "unknown resource "+strings.TrimPrefix(r.URL.Path, "/")+": use accounts, content or stores")
	})
	return httpadapter.New(mux)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
